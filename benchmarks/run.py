"""Benchmarks (`make bench`): workbook import + scoring against a bare openpyxl load, and CLI start-up.

Goals: import + score of one workbook at most 1.25x the bare ``openpyxl.load_workbook`` of the
same file; ``accelerator --help`` under 0.35 s; a read command (``cohort list --json``) at most
1.3x ``python -c "import sqlmodel"`` measured in the same run (the ORM's import is the floor); a
workbook with 100,000 bad rows refused in bounded memory (peak under 100 MB) and a few KB of output;
with `accelerator server start` up, ``assessment run`` of three workbooks from the terminal in at most
2.5 s and at most 1 s more than calling the same services directly in one process; and, measured
without a goal yet, a session flow's overhead over its services (``session run 3`` against
``require_ready`` + ``record_session`` in a process of their own); the regional impact report of a
synthetic cohort of 3,000 jurisdictions compiled with its PDF, XLSX and HTML under 30 s and 600 MB,
and at most 3x the bare SQL aggregates it needs (``benchmarks/regional.py``, also at 300); the web
app's barrier board of 500 barriers served by `accelerator web` to 20 concurrent clients on loopback, its
first page and ``?sort=severity&page=3`` each with median under 100 ms and p95 under 250 ms, and signing
in under 0.5 s, the password hash included (``benchmarks/web.py``).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ACCELERATOR = str(Path(sys.executable).with_name("accelerator"))


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    action()  # warm caches and imports
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def workbook_import(folder: Path) -> dict[str, float]:
    from openpyxl import load_workbook

    from assessment.selfassessment.reading import read_workbook
    from assessment.selfassessment.rubric import load_rubric
    from assessment.selfassessment.scoring import score
    from assessment.selfassessment.shapes import RespondentInfo, WorkbookContext
    from assessment.selfassessment.template import fill_workbook, write_template

    rubric = load_rubric()
    context = WorkbookContext(jurisdiction="Alder County", cohort="Bench", cycle="baseline")
    template = write_template(rubric, folder / "template.xlsx", context)
    filled = fill_workbook(
        template,
        folder / "filled.xlsx",
        RespondentInfo(name="B", email="b@x.org", role="finance"),
        {i.id: (n % 4) + 1 for n, i in enumerate(rubric.indicators)},
    )

    def read_only_cells() -> None:
        # the least openpyxl can do: stream every cell of every sheet once
        wb = load_workbook(filled, read_only=True, data_only=True)
        for ws in wb.worksheets:
            for _ in ws.iter_rows(values_only=True):
                pass
        wb.close()

    bare = median_seconds(lambda: load_workbook(filled), 30)
    streamed = median_seconds(read_only_cells, 30)
    ours = median_seconds(lambda: score(rubric, [read_workbook(filled, rubric, context).ratings]), 30)
    return {
        "bare_openpyxl_load_s": bare,
        "read_only_stream_s": streamed,
        "import_and_score_s": ours,
        "ratio": ours / bare,
        "ratio_to_stream": ours / streamed,
    }


BAD_ROWS = 100_000


def big_refusal(folder: Path) -> dict[str, float]:
    """A self-assessment workbook with 100,000 extra rated rows that have no indicator id (the
    probe's input): how long the refusal takes, the reader's peak memory, what it keeps."""
    import tracemalloc

    from openpyxl import load_workbook

    from assessment.core.errors import ValidationFailed
    from assessment.selfassessment.reading import read_workbook
    from assessment.selfassessment.rubric import load_rubric
    from assessment.selfassessment.shapes import RespondentInfo, WorkbookContext
    from assessment.selfassessment.sheet import RATING_HEADER, RATING_SHEET
    from assessment.selfassessment.template import fill_workbook, write_template

    rubric = load_rubric()
    context = WorkbookContext(jurisdiction="Alder County", cohort="Bench", cycle="baseline")
    template = write_template(rubric, folder / "big-template.xlsx", context)
    filled = fill_workbook(template, folder / "big.xlsx", RespondentInfo(name="B", email="b@x.org", role="finance"), {})
    wb = load_workbook(filled)
    ws = wb[RATING_SHEET]
    column = next(c.column for row in ws.iter_rows() for c in row if c.value == RATING_HEADER)
    first = ws.max_row + 2
    for row in range(first, first + BAD_ROWS):
        ws.cell(row=row, column=column, value=2)
    wb.save(filled)
    tracemalloc.start()
    start = time.perf_counter()
    try:
        read_workbook(filled, rubric, context)
        raise AssertionError("the workbook with 100,000 bad rows was accepted")
    except ValidationFailed as refused:
        seconds = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        kept, more, text = len(refused.problems), refused.more, str(refused)
    return {
        "bad_rows": BAD_ROWS,
        "file_mb": filled.stat().st_size / 1_048_576,
        "refusal_s": seconds,
        "peak_mb": peak / 1_048_576,
        "problems_kept": kept,
        "problems_counted": more,
        "message_kb": len(text.encode()) / 1024,
    }


def interleaved(first: list[str], second: list[str], env: dict[str, str], repeat: int) -> tuple[float, float]:
    """Median seconds of two commands run turn about, so both see the same machine load."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat + 1):
        for command, kept in zip((first, second), times, strict=True):
            start = time.perf_counter()
            subprocess.run(command, env=env, check=True, capture_output=True)
            kept.append(time.perf_counter() - start)
    return statistics.median(times[0][1:]), statistics.median(times[1][1:])


def cli_startup(folder: Path) -> dict[str, float]:
    env = {
        **os.environ,
        "ACCELERATOR_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "ACCELERATOR_CONFIG_DIR": str(folder / "config"),  # the identity init saves stays in the bench
        "ACCELERATOR_DATA_DIR": str(folder / "data"),
    }
    subprocess.run([ACCELERATOR, "init", "--admin", "bench@example.org"], env=env, check=True, capture_output=True)

    def timed(*command: str) -> float:
        return median_seconds(lambda: subprocess.run(command, env=env, check=True, capture_output=True), 11)

    floor, ours = interleaved(
        [sys.executable, "-c", "import sqlmodel"], [ACCELERATOR, "cohort", "list", "--json"], env, 15
    )
    return {
        "python_itself_s": timed(sys.executable, "-c", "pass"),
        "import_sqlmodel_s": floor,
        "help_s": timed(ACCELERATOR, "--help"),
        "assessment_template_help_s": timed(ACCELERATOR, "assessment", "template", "--help"),
        "cohort_list_json_s": ours,
        "jurisdiction_list_s": timed(ACCELERATOR, "jurisdiction", "list"),
    }


FLOW_TEAM = ("Alder County", "Bench Cohort", "manager@alder.example.org")
FLOW_REPEAT = 9  # a median of nine: a shared machine's wall clock wanders by a tenth


def flows_on_server(folder: Path) -> tuple[dict[str, float], dict[str, float]]:
    """With `accelerator server start` up, two flows from the terminal (wall clock) against the
    services they call, called directly: `assessment run` of three workbooks (read, check, score,
    persist), and `session run 3` (check what the session needs, record it)."""
    import socket

    from assessment.core.settings import get_settings
    from assessment.selfassessment.rubric import load_rubric
    from assessment.selfassessment.shapes import RespondentInfo
    from assessment.selfassessment.template import fill_workbook

    jurisdiction, cohort, manager = FLOW_TEAM
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(
        ACCELERATOR_DATABASE_URL=f"sqlite:///{folder / 'flow.db'}",
        ACCELERATOR_CONFIG_DIR=str(folder / "flow-config"),
        ACCELERATOR_DATA_DIR=str(folder / "flow-data"),  # the server's record and home too
    )

    def accelerator(*args: str) -> None:
        subprocess.run([ACCELERATOR, *args], env=env, check=True, capture_output=True, cwd=folder)

    accelerator("init", "--admin", "bench@example.org")
    accelerator("cohort", "create", cohort, "--region", "Bench", "--start", "2026-03-02")
    accelerator("jurisdiction", "add", jurisdiction, "--kind", "county")
    accelerator(
        "person", "add", manager, "--name", "M", "--role", "equity_program_manager", "--jurisdiction", jurisdiction
    )
    accelerator("team", "enroll", "--jurisdiction", jurisdiction, "--cohort", cohort)
    # session 3 needs a barrier recorded
    accelerator(
        "--actor", manager, "barrier", "add", "--jurisdiction", jurisdiction, "--title", "Payment takes 60 to 90 days",
        "--category", "payment_cash_flow", "--stage", "invoicing_payment",
    )  # fmt: skip
    template = folder / "flow-template.xlsx"
    where = ("--jurisdiction", jurisdiction, "--cohort", cohort, "--cycle", "baseline")
    accelerator("--actor", manager, "assessment", "template", *where, "--out", str(template))
    ids = [i.id for i in load_rubric().indicators]
    files = [
        fill_workbook(
            template,
            folder / f"flow-{n}.xlsx",
            RespondentInfo(name=f"R{n}", email=f"r{n}@x.org", role="finance"),
            {i: (k + n) % 4 + 1 for k, i in enumerate(ids)},
        )
        for n in range(3)
    ]
    run = [ACCELERATOR, "--actor", manager, "assessment", "run", *where, *map(str, files)]
    session_run = [
        ACCELERATOR,
        "--actor",
        manager,
        "session",
        "run",
        "3",
        *where[:4],
        "--out",
        str(folder / "sessions"),
    ]

    os.environ.update(env)  # the direct calls read the same database
    get_settings.cache_clear()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    def in_own_process(name: str, arguments: str, *argv: str) -> list[str]:
        """The same services in a process of their own, started from the terminal as the command is."""
        code = f"import sys; from pathlib import Path; from benchmarks.run import {name}; {name}({arguments})"
        return [sys.executable, "-c", code, *argv]

    run_process = in_own_process("run_directly", f"[Path(f) for f in sys.argv[1:]], {manager!r}", *map(str, files))
    session_process = in_own_process("session_directly", repr(manager))
    # Prefect's floor: what a run from the terminal imports of it, as the CLI imports it (the cycle
    # collector held, accelerator/startup.py), in a process that does nothing else
    prefect_import = [
        sys.executable, "-c", "import gc; gc.disable(); import prefect.main, prefect.flow_engine, prefect.task_engine"
    ]  # fmt: skip
    start = time.perf_counter()
    accelerator("server", "start", "--port", str(port))
    server_start = time.perf_counter() - start
    try:
        # the first run stores the submission; the timed ones find it unchanged, as the direct calls do
        assessment = timed_on_server(run, run_process, lambda: run_directly(files, manager), env)
        # the first run records session 3; the timed ones update the record, as the direct calls do
        held = timed_on_server(session_run, session_process, lambda: session_directly(manager), env)
        floor = median_seconds(lambda: subprocess.run(prefect_import, env=env, check=True), FLOW_REPEAT)
    finally:
        accelerator("server", "stop")
    return (
        {
            "server_start_s": server_start,
            "assessment_run_cli_s": assessment[0],
            "services_directly_s": assessment[1],
            "difference_s": assessment[0] - assessment[1],
            "services_in_a_warm_process_s": assessment[2],
            "import_prefect_alone_s": floor,
        },
        {
            "session_run_cli_s": held[0],
            "services_directly_s": held[1],
            "difference_s": held[0] - held[1],
            "services_in_a_warm_process_s": held[2],
        },
    )


def timed_on_server(
    command: list[str], process: list[str], warm: Callable[[], object], env: dict[str, str]
) -> tuple[float, float, float]:
    """Median seconds of ``command`` from the terminal, of the same services in a ``process`` of their
    own and in this process, already warm; taken turn about, after one run of the command."""
    subprocess.run(command, env=env, check=True, capture_output=True)
    times: tuple[list[float], list[float], list[float]] = ([], [], [])
    for _ in range(FLOW_REPEAT):
        start = time.perf_counter()
        done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
        times[0].append(time.perf_counter() - start)
        assert "Tip" not in done.stderr, done.stderr  # it ran on the server, not a temporary one
        start = time.perf_counter()
        subprocess.run(process, env=env, check=True, capture_output=True, cwd=ROOT)
        times[1].append(time.perf_counter() - start)
        start = time.perf_counter()
        warm()
        times[2].append(time.perf_counter() - start)
    cli, directly, warmed = (statistics.median(t) for t in times)
    return cli, directly, warmed


def session_directly(actor_email: str) -> None:
    """What session 3's flow calls, in one process, without Prefect: check what it needs, record it."""
    from assessment.cohorts.people import resolve_actor
    from assessment.core.db import transaction
    from assessment.sessions.service import record_session, require_ready

    jurisdiction, cohort, _ = FLOW_TEAM
    with transaction() as session:
        require_ready(session, resolve_actor(session, actor_email), 3, jurisdiction, cohort)
    with transaction() as session:
        record_session(session, resolve_actor(session, actor_email), 3, jurisdiction, cohort, done={})


def run_directly(files: list[Path], actor_email: str) -> None:
    """What the assessment run flow's tasks call, in one process, without Prefect."""
    from assessment.cohorts.people import resolve_actor
    from assessment.cohorts.service import get_team
    from assessment.core.db import transaction
    from assessment.selfassessment import service as assessments
    from assessment.selfassessment.reading import read_workbooks
    from assessment.selfassessment.rubric import load_rubric

    jurisdiction, cohort, _ = FLOW_TEAM
    cycle = assessments.parse_cycle("baseline")
    rubric = load_rubric()
    with transaction() as session:
        actor = resolve_actor(session, actor_email)
        context = assessments.submission_context(session, actor, jurisdiction, cohort, cycle, rubric)
    workbooks = read_workbooks(files, rubric, context)
    with transaction() as session:
        assessments.check_run(
            session, resolve_actor(session, actor_email), jurisdiction, cohort, cycle, workbooks, False
        )
    responses = assessments.responses_of(workbooks)
    with transaction() as session:
        team, _, _ = get_team(session, jurisdiction, cohort)
        result = assessments.score_run(session, team, cycle, rubric, responses)
    with transaction() as session:
        who = resolve_actor(session, actor_email)
        assessments.record(session, who, jurisdiction, cohort, cycle, rubric, workbooks, result, False)


SPEND_ROWS = 100_000
OCDS_PROCESSES = 10_000


def spend_import(folder: Path, measure: str = "") -> dict[str, float]:
    """Impact-spending imports (goal: peak memory under 300 MB): a 100,000-row spending spreadsheet and
    an OCDS release package of 10,000 processes (5 releases each), each imported into a fresh
    database in a process of its own (wall time, rows per second, peak RSS), against a bare
    openpyxl read-only pass and a bare ``json.load`` of the same file. Prints its own lines.

    With ``measure`` ("xlsx", "xlsx-bare", "ocds", "json-bare" and the file), it is that child:
    it does the one thing and prints seconds and peak RSS as JSON."""
    import resource

    if measure:
        kind, _, name = measure.partition(":")
        path = Path(name)
        if kind in ("xlsx", "csv", "ocds"):
            from assessment.cohorts.jurisdictions import add_jurisdiction
            from assessment.cohorts.people import ensure_admin, resolve_actor
            from assessment.core.db import transaction, upgrade
            from assessment.spending.imports import import_spending

            upgrade()
            with transaction() as session:
                ensure_admin(session, "bench@example.org")
                add_jurisdiction(session, resolve_actor(session, "bench@example.org"), "Alder County")
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start = time.perf_counter()
        if kind == "csv-bare":
            import csv

            with path.open(encoding="utf-8", newline="") as lines:
                count = sum(1 for _ in csv.reader(lines))
        elif kind == "xlsx-bare":
            from openpyxl import load_workbook

            book = load_workbook(path, read_only=True)
            count = sum(1 for _ in book.worksheets[1].iter_rows(values_only=True))
            book.close()
        elif kind == "json-bare":
            with path.open("rb") as handle:
                count = len(json.load(handle)["releases"])
        else:
            with transaction() as session:
                actor = resolve_actor(session, "bench@example.org")
                result = import_spending(session, actor, "Alder County", path)
            count = result.contracts + result.payments
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"seconds": seconds, "peak_mb": peak, "before_mb": before, "count": count}))
        return {}

    import csv
    import random
    from datetime import date, timedelta
    from typing import Any

    from openpyxl import Workbook

    from assessment.spending.sheet import COLUMNS

    shuffle = random.Random(6)
    sheet_path = folder / "spend-100k.xlsx"
    book = Workbook(write_only=True)
    book.create_sheet("Instructions")
    rows = book.create_sheet("Spending")
    rows.append([c.header for c in COLUMNS])
    csv_path = folder / "spend-100k.csv"
    text = csv_path.open("w", encoding="utf-8", newline="")
    table = csv.writer(text)
    table.writerow([c.header for c in COLUMNS])
    for n in range(SPEND_ROWS):
        contract = n // 4  # four payments per contract
        awarded = date(2023, 1, 1) + timedelta(days=contract % 900)
        invoiced = awarded + timedelta(days=30 + n % 60)
        cells = {
            "contract_id": f"PO-{contract:06d}",
            "vendor": f"Vendor {contract % 3000:04d}",
            "contract_amount": 1000 + (contract * 37) % 90000 + 0.25,
            "currency": "USD",
            "solicited_on": awarded - timedelta(days=20),
            "awarded_on": awarded,
            "payment_id": f"CHK-{n:07d}",
            "payment_amount": 100 + (n * 13) % 5000 + 0.5,
            "invoiced_on": invoiced,
            "paid_on": invoiced + timedelta(days=shuffle.randint(0, 90)),
            "advance_payment": "yes" if contract % 7 == 0 else "no",
            "cbo": "yes" if contract % 5 == 0 else "no",
            "small": "yes" if contract % 3 == 0 else "no",
            "local": "yes" if contract % 2 == 0 else "",
            "bipoc_led": "yes" if contract % 11 == 0 else "no",
            "first_time": "no",
            "address": f"{contract % 999} Main Street",
            "zip": f"92{contract % 1000:03d}",
            "tract": f"06073{contract % 100000:06d}",
        }
        rows.append([cells.get(c.field) for c in COLUMNS])
        table.writerow(["" if cells.get(c.field) is None else cells.get(c.field) for c in COLUMNS])
    book.save(sheet_path)
    text.close()

    package_path = folder / "ocds-10k.json"
    with package_path.open("w", encoding="utf-8") as out:
        out.write('{"uri": "https://example.org/bench", "version": "1.1", "releases": [\n')
        for n in range(OCDS_PROCESSES):
            ocid = f"ocds-bench-{n:05d}"
            supplier = {
                "id": f"S{n % 2000}",
                "name": f"Supplier {n % 2000}",
                "roles": ["supplier", "payee"],
                "identifier": {"scheme": "US-EIN", "id": f"{n % 2000:09d}"},
                "details": {"scale": "sme" if n % 3 else "large"},
                "address": {"streetAddress": f"{n} Oak Ave", "locality": "Alder", "postalCode": "92101"},
            }
            buyer = {"id": "B1", "name": "Alder County Public Health", "roles": ["buyer", "procuringEntity"]}
            value = {"amount": 5000 + n % 70000, "currency": "USD"}
            award = {
                "id": "A1",
                "status": "active",
                "date": "2024-03-01T00:00:00Z",
                "value": value,
                "suppliers": [{"id": supplier["id"], "name": supplier["name"]}],
            }
            signed: dict[str, Any] = {
                "id": "C1",
                "awardID": "A1",
                "status": "active",
                "dateSigned": "2024-03-10T00:00:00Z",
                "period": {"startDate": "2024-04-01T00:00:00Z"},
                "value": value,
            }
            payments = [
                {
                    "id": f"TX{k}",
                    "date": f"2024-0{5 + k}-01T00:00:00Z",
                    "payer": {"id": "B1"},
                    "payee": {"id": supplier["id"]},
                    "value": {"amount": 1000 + k, "currency": "USD"},
                }
                for k in range(2)
            ]
            stages: list[tuple[str, dict[str, Any]]] = [
                ("planning", {"parties": [buyer], "tender": {"id": "T1", "status": "planned"}}),
                ("tender", {"parties": [buyer], "tender": {"id": "T1", "status": "active", "title": f"Service {n}"}}),
                ("award", {"parties": [buyer, supplier], "awards": [award]}),
                ("contract", {"parties": [buyer, supplier], "contracts": [signed]}),
                ("implementation", {"contracts": [{**signed, "implementation": {"transactions": payments}}]}),
            ]
            for k, (tag, parts) in enumerate(stages):
                release = {
                    "ocid": ocid,
                    "id": f"{ocid}-{k}",
                    "date": f"2024-0{k + 1}-15T00:00:00Z",
                    "tag": [tag],
                    "initiationType": "tender",
                    "buyer": {"id": "B1"},
                    **parts,
                }
                last = n == OCDS_PROCESSES - 1 and k == len(stages) - 1
                out.write(json.dumps(release) + ("\n" if last else ",\n"))
        out.write("]}\n")

    def child(what: str, path: Path, database: str) -> dict[str, float]:
        # 100,000 rows unpack past the default workbook limit (50 MB, made for self-assessment
        # workbooks): raised here, as a finance office would; a .csv has no limit
        env = {
            **os.environ,
            "ACCELERATOR_DATABASE_URL": f"sqlite:///{folder / database}",
            "ACCELERATOR_MAX_WORKBOOK_UNZIPPED_BYTES": str(1 << 30),
        }
        code = f"from pathlib import Path; from benchmarks.run import spend_import; spend_import(Path('.'), {what!r})"
        done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True)
        return dict(json.loads(done.stdout.decode().strip().splitlines()[-1]))

    xlsx = child(f"xlsx:{sheet_path}", sheet_path, "xlsx.db")
    xlsx_bare = child(f"xlsx-bare:{sheet_path}", sheet_path, "bare.db")
    as_csv = child(f"csv:{csv_path}", csv_path, "csv.db")
    csv_bare = child(f"csv-bare:{csv_path}", csv_path, "bare.db")
    package = child(f"ocds:{package_path}", package_path, "ocds.db")
    json_bare = child(f"json-bare:{package_path}", package_path, "bare.db")
    figures = {
        "sheet_rows": SPEND_ROWS,
        "sheet_mb": sheet_path.stat().st_size / 1_048_576,
        "sheet_import_s": xlsx["seconds"],
        "sheet_rows_per_s": SPEND_ROWS / xlsx["seconds"],
        "sheet_contracts_and_payments": xlsx["count"],
        "sheet_peak_rss_mb": xlsx["peak_mb"],
        "sheet_rss_before_mb": xlsx["before_mb"],
        "sheet_bare_read_only_s": xlsx_bare["seconds"],
        "sheet_bare_peak_rss_mb": xlsx_bare["peak_mb"],
        "sheet_ratio": xlsx["seconds"] / xlsx_bare["seconds"],
        "csv_import_s": as_csv["seconds"],
        "csv_rows_per_s": SPEND_ROWS / as_csv["seconds"],
        "csv_peak_rss_mb": as_csv["peak_mb"],
        "csv_bare_reader_s": csv_bare["seconds"],
        "csv_ratio": as_csv["seconds"] / csv_bare["seconds"],
        "ocds_processes": OCDS_PROCESSES,
        "ocds_releases": OCDS_PROCESSES * 5,
        "ocds_mb": package_path.stat().st_size / 1_048_576,
        "ocds_import_s": package["seconds"],
        "ocds_releases_per_s": OCDS_PROCESSES * 5 / package["seconds"],
        "ocds_contracts_and_payments": package["count"],
        "ocds_peak_rss_mb": package["peak_mb"],
        "ocds_rss_before_mb": package["before_mb"],
        "ocds_bare_json_load_s": json_bare["seconds"],
        "ocds_bare_peak_rss_mb": json_bare["peak_mb"],
        "ocds_ratio": package["seconds"] / json_bare["seconds"],
    }
    f = figures
    print(
        f"spend: {SPEND_ROWS:,}-row spreadsheet ({f['sheet_mb']:.1f} MB) imported in {f['sheet_import_s']:.1f} s "
        f"({f['sheet_rows_per_s']:,.0f} rows/s), peak RSS {f['sheet_peak_rss_mb']:.0f} MB (goal < 300 MB; "
        f"{f['sheet_rss_before_mb']:.0f} MB before reading); a bare openpyxl read-only pass "
        f"{f['sheet_bare_read_only_s']:.1f} s ({f['sheet_bare_peak_rss_mb']:.0f} MB): {f['sheet_ratio']:.2f}x"
    )
    print(
        f"spend: the same rows as .csv imported in {f['csv_import_s']:.1f} s ({f['csv_rows_per_s']:,.0f} rows/s), "
        f"peak RSS {f['csv_peak_rss_mb']:.0f} MB; a bare csv.reader pass {f['csv_bare_reader_s']:.2f} s"
    )
    print(
        f"spend: OCDS package of {OCDS_PROCESSES:,} processes ({f['ocds_releases']:,} releases, {f['ocds_mb']:.0f} MB) "
        f"imported in {f['ocds_import_s']:.1f} s ({f['ocds_releases_per_s']:,.0f} releases/s), peak RSS "
        f"{f['ocds_peak_rss_mb']:.0f} MB (goal < 300 MB; {f['ocds_rss_before_mb']:.0f} MB before reading); a bare "
        f"json.load {f['ocds_bare_json_load_s']:.1f} s ({f['ocds_bare_peak_rss_mb']:.0f} MB): {f['ocds_ratio']:.2f}x"
    )
    return figures


PACKAGES = ("accelerator", "assessment", "flows", "roadmaps", "rubrics", "benchmarks")


def compiled() -> None:
    """The project's modules compiled as an installation has them. A process started with
    PYTHONDONTWRITEBYTECODE set (as some shells and CI images do) never writes them, and every
    command timed here would otherwise compile the modules it imports from source first."""
    import compileall

    for package in PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=1)


SECTIONS = ("workbook", "cli", "refusal", "spend", "flows", "regional", "web")


def main(argv: list[str]) -> None:
    """Run the named sections (all of them without names) and print their figures."""
    unknown = [name for name in argv if name not in SECTIONS]
    if unknown:
        sys.exit(f"benchmarks/run.py: no section {', '.join(unknown)}; the sections are {', '.join(SECTIONS)}")
    chosen = argv or list(SECTIONS)
    compiled()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if "workbook" in chosen:
            results["workbook"] = workbook_import(folder)
        if "cli" in chosen:
            results["cli"] = cli_startup(folder)
        if "refusal" in chosen:
            results["refusal"] = big_refusal(folder)
        if "spend" in chosen:
            results["spend"] = spend_import(folder)
        if "flows" in chosen:
            results["flow_on_server"], results["session_on_server"] = flows_on_server(folder)
        if "regional" in chosen:
            from benchmarks.regional import regional  # prints its own lines

            results.update({f"regional_{size}": figures for size, figures in regional(folder).items()})
        if "web" in chosen:
            from benchmarks.web import web

            results["web"] = web(folder)
    out = ROOT / "bench-output"
    out.mkdir(exist_ok=True)
    if "workbook" in results:
        w = results["workbook"]
        print(
            f"workbook: bare openpyxl load {w['bare_openpyxl_load_s'] * 1000:.1f} ms, "
            f"import + score {w['import_and_score_s'] * 1000:.1f} ms, ratio {w['ratio']:.2f}x (goal <= 1.25x)"
        )
        print(
            f"workbook: read-only stream of every cell {w['read_only_stream_s'] * 1000:.1f} ms, "
            f"import + score is {w['ratio_to_stream']:.2f}x that"
        )
    if "cli" in results:
        c = results["cli"]
        goals = {"help_s": "  (goal < 0.35 s)", "assessment_template_help_s": "  (goal < 0.35 s)"}
        for name, seconds in c.items():
            print(f"cli: {name:<36} {seconds:.3f} s{goals.get(name, '')}")
        ratio = c["cohort_list_json_s"] / c["import_sqlmodel_s"]
        c["cohort_list_to_import_sqlmodel"] = ratio
        print(f"cli: cohort list --json is {ratio:.2f}x python -c 'import sqlmodel' (goal <= 1.3x)")
    if "refusal" in results:
        r = results["refusal"]
        print(
            f"refusal: {r['bad_rows']:,} bad rows ({r['file_mb']:.1f} MB file) refused in {r['refusal_s']:.1f} s, "
            f"peak {r['peak_mb']:.1f} MB traced (goal < 100 MB), {r['problems_kept']} problems kept and "
            f"{r['problems_counted']:,} counted; the whole refusal is {r['message_kb']:.0f} KB of text "
            "(the CLI shows its first 50 lines)"
        )
    if "flow_on_server" in results:
        f = results["flow_on_server"]
        print(
            f"flow: with `accelerator server start` up ({f['server_start_s']:.1f} s to start), `assessment run` of "
            f"3 workbooks from the terminal {f['assessment_run_cli_s']:.2f} s (goal <= 2.5 s); the same services "
            f"called directly in a process of their own {f['services_directly_s']:.2f} s, difference "
            f"{f['difference_s']:.2f} s (goal <= 1 s); in a process already warm "
            f"{f['services_in_a_warm_process_s']:.2f} s"
        )
        print(
            "flow: Prefect's own import (flows, tasks, engines; collector held as the CLI holds it) in a process "
            "that does nothing else "
            f"{f['import_prefect_alone_s']:.2f} s"
        )
        h = results["session_on_server"]
        print(
            f"session: with the server up, `session run 3` from the terminal {h['session_run_cli_s']:.2f} s; "
            f"require_ready + record_session in a process of their own {h['services_directly_s']:.2f} s, the "
            f"flow's overhead {h['difference_s']:.2f} s; in a process already warm "
            f"{h['services_in_a_warm_process_s'] * 1000:.0f} ms"
        )
    if "web" in results:
        b = results["web"]
        print(
            f"web: the board of {b['barriers']:.0f} barriers, 20 clients x 25 requests on loopback: first page "
            f"median {b['board_median_s'] * 1000:.0f} ms, p95 {b['board_p95_s'] * 1000:.0f} ms, "
            f"{b['board_requests_per_s']:.0f} requests/s; sorted by severity, page 3: median "
            f"{b['severity_page_3_median_s'] * 1000:.0f} ms, p95 {b['severity_page_3_p95_s'] * 1000:.0f} ms, "
            f"{b['severity_page_3_requests_per_s']:.0f} requests/s (goal: median < 100 ms, p95 < 250 ms)"
        )
        print(
            f"web: one client alone: first page median {b['board_alone_median_s'] * 1000:.0f} ms, sorted page 3 "
            f"{b['severity_page_3_alone_median_s'] * 1000:.0f} ms"
        )
        print(
            f"web: signing in {b['sign_in_median_s'] * 1000:.0f} ms median, slowest {b['sign_in_max_s'] * 1000:.0f} "
            "ms of 20 (goal < 0.5 s, the password hash included)"
        )
    name = "results.json" if not argv else f"results-{'-'.join(chosen)}.json"
    (out / name).write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"written: {out / name}")


if __name__ == "__main__":
    main(sys.argv[1:])
