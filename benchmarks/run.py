"""Benchmarks (`make bench`): workbook import + scoring against a bare openpyxl load, and CLI start-up.

Goals: import + score of one workbook at most 1.25x the bare ``openpyxl.load_workbook`` of the
same file; ``accelerator --help`` under 0.35 s; a read command (``cohort list --json``) at most
1.3x ``python -c "import sqlmodel"`` measured in the same run (the ORM's import is the floor); a
workbook with 100,000 bad rows refused in bounded memory (peak under 100 MB) and a few KB of output;
with `accelerator server start` up, ``assessment run`` of three workbooks from the terminal in at most
2.5 s and at most 1 s more than calling the same services directly in one process.
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
FLOW_REPEAT = 5


def flow_on_server(folder: Path) -> dict[str, float]:
    """With `accelerator server start` up: `assessment run` of three workbooks from the terminal
    (wall clock) against the services the flow calls (read, check, score, persist) called directly."""
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

    os.environ.update(env)  # the direct calls read the same database
    get_settings.cache_clear()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # the same services in a process of their own, started from the terminal as the command is
    direct_process = [
        sys.executable,
        "-c",
        "import sys; from pathlib import Path; from benchmarks.run import run_directly; "
        f"run_directly([Path(f) for f in sys.argv[1:]], {manager!r})",
        *map(str, files),
    ]
    start = time.perf_counter()
    accelerator("server", "start", "--port", str(port))
    server_start = time.perf_counter() - start
    try:
        # the first run stores the submission; the timed ones find it unchanged, as the direct calls do
        subprocess.run(run, env=env, check=True, capture_output=True)
        terminal, process, warm = [], [], []
        for _ in range(FLOW_REPEAT):
            start = time.perf_counter()
            done = subprocess.run(run, env=env, check=True, capture_output=True, text=True)
            terminal.append(time.perf_counter() - start)
            assert "Tip" not in done.stderr, done.stderr  # it ran on the server, not a temporary one
            start = time.perf_counter()
            subprocess.run(direct_process, env=env, check=True, capture_output=True, cwd=ROOT)
            process.append(time.perf_counter() - start)
            start = time.perf_counter()
            run_directly(files, manager)
            warm.append(time.perf_counter() - start)
    finally:
        accelerator("server", "stop")
    cli, floor = statistics.median(terminal), statistics.median(process)
    return {
        "server_start_s": server_start,
        "assessment_run_cli_s": cli,
        "services_directly_s": floor,
        "difference_s": cli - floor,
        "services_in_a_warm_process_s": statistics.median(warm),
    }


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


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results = {
            "workbook": workbook_import(folder),
            "cli": cli_startup(folder),
            "refusal": big_refusal(folder),
            "flow_on_server": flow_on_server(folder),
        }
    out = ROOT / "bench-output"
    out.mkdir(exist_ok=True)
    w, c = results["workbook"], results["cli"]
    print(
        f"workbook: bare openpyxl load {w['bare_openpyxl_load_s'] * 1000:.1f} ms, "
        f"import + score {w['import_and_score_s'] * 1000:.1f} ms, ratio {w['ratio']:.2f}x (goal <= 1.25x)"
    )
    print(
        f"workbook: read-only stream of every cell {w['read_only_stream_s'] * 1000:.1f} ms, "
        f"import + score is {w['ratio_to_stream']:.2f}x that"
    )
    goals = {"help_s": "  (goal < 0.35 s)", "assessment_template_help_s": "  (goal < 0.35 s)"}
    for name, seconds in c.items():
        print(f"cli: {name:<36} {seconds:.3f} s{goals.get(name, '')}")
    ratio = c["cohort_list_json_s"] / c["import_sqlmodel_s"]
    results["cli"]["cohort_list_to_import_sqlmodel"] = ratio
    print(f"cli: cohort list --json is {ratio:.2f}x python -c 'import sqlmodel' (goal <= 1.3x)")
    r = results["refusal"]
    print(
        f"refusal: {r['bad_rows']:,} bad rows ({r['file_mb']:.1f} MB file) refused in {r['refusal_s']:.1f} s, "
        f"peak {r['peak_mb']:.1f} MB traced (goal < 100 MB), {r['problems_kept']} problems kept and "
        f"{r['problems_counted']:,} counted; the whole refusal is {r['message_kb']:.0f} KB of text "
        "(the CLI shows its first 50 lines)"
    )
    f = results["flow_on_server"]
    print(
        f"flow: with `accelerator server start` up ({f['server_start_s']:.1f} s to start), `assessment run` of 3 "
        f"workbooks from the terminal {f['assessment_run_cli_s']:.2f} s (goal <= 2.5 s); the same services called "
        f"directly in a process of their own {f['services_directly_s']:.2f} s, difference "
        f"{f['difference_s']:.2f} s (goal <= 1 s); in a process already warm {f['services_in_a_warm_process_s']:.2f} s"
    )
    (out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"written: {out / 'results.json'}")


if __name__ == "__main__":
    main()
