"""Benchmarks (`make bench`): workbook import + scoring against a bare openpyxl load, and CLI start-up.

Goals: import + score of one workbook at most 1.25x the bare ``openpyxl.load_workbook`` of the
same file; ``accelerator --help`` under 0.35 s; a read command (``cohort list --json``) at most
1.3x ``python -c "import sqlmodel"`` measured in the same run (the ORM's import is the floor); a
workbook with 100,000 bad rows refused in bounded memory (peak under 100 MB) and a few KB of output.
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


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results = {"workbook": workbook_import(folder), "cli": cli_startup(folder), "refusal": big_refusal(folder)}
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
    (out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"written: {out / 'results.json'}")


if __name__ == "__main__":
    main()
