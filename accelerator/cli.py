"""The ``accelerator`` command: a thin door over the services.

Only typer and rich are imported here; the ORM and Prefect load inside the commands that use
them, so ``accelerator --help`` and friends start quickly.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from typer._click.exceptions import ClickException

from accelerator.commands import assessment, barriers, community, goals, roadmap, setup
from accelerator.output import err_console

app = typer.Typer(
    name="accelerator",
    help="Equity Accelerator: self-assessments, barriers, goals and roadmaps for local health jurisdictions.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    add_completion=False,
)
setup.register(app)
app.add_typer(assessment.app, name="assessment")
app.add_typer(barriers.app, name="barrier")
app.add_typer(community.app, name="community")
app.add_typer(goals.app, name="goal")
app.add_typer(roadmap.app, name="roadmap")


@app.callback()
def main_options(
    ctx: typer.Context,
    actor: Annotated[
        str | None,
        typer.Option(
            "--actor", help="Email of the person acting (default: ACCELERATOR_ACTOR, else the administrator)."
        ),
    ] = None,
) -> None:
    ctx.obj = {"actor": actor}


@app.command()
def demo(
    out: Annotated[str, typer.Option(help="Folder for the demo's database, workbooks and reports.")] = "demo-output",
) -> None:
    """Set up a fictional cohort, fill workbooks, run every assessment and print where it all is."""
    from accelerator.demo import run_demo

    run_demo(out)


@app.command()
def serve() -> None:
    """Offer the assessment run and roadmap build as forms in the Prefect UI (needs PREFECT_API_URL)."""
    import os

    from accelerator.flowrun import configure_prefect
    from assessment.core.errors import AcceleratorError

    if not os.environ.get("PREFECT_API_URL"):
        raise AcceleratorError(
            "Serving needs a running Prefect server: start one with `prefect server start` (on PostgreSQL for "
            "several users) and set PREFECT_API_URL=http://127.0.0.1:4200/api, then run `accelerator serve` again."
        )
    configure_prefect()
    from flows.deployments import serve_all

    serve_all()


def main() -> None:
    """Entry point: runs the app and turns the error family into messages and exit codes."""
    from assessment.core.errors import AcceleratorError

    try:
        app(standalone_mode=False)
    except AcceleratorError as exc:
        err_console.print(f"[bold red]Error:[/] {exc.message}", markup=True, highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err_console.print("Stopped.")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except ClickException as exc:  # usage errors: unknown option, bad value, ...
        exc.show(file=sys.stderr)
        sys.exit(exc.exit_code)
    except Exception as exc:
        if _missing_schema(exc):
            err_console.print(
                "[bold red]Error:[/] the database is not set up yet. Run `accelerator init` first "
                "(it creates or upgrades the schema)."
            )
            sys.exit(1)
        raise


def _missing_schema(exc: Exception) -> bool:
    """True for the database's own words for 'no such table', on SQLite and PostgreSQL."""
    text = str(exc)
    return "no such table" in text or ("relation" in text and "does not exist" in text)


if __name__ == "__main__":
    main()
