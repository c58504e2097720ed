"""The ``accelerator`` command: a thin door over the services.

Only typer and rich are imported here; the ORM and Prefect load inside the commands that use
them, so ``accelerator --help`` and friends start quickly.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib import import_module
from typing import Annotated

import typer
from typer._click.exceptions import ClickException

from accelerator.output import err_console

# Command groups by the word that invokes them, each in its own module. Only the group a command
# line names is imported and registered: typer inspects every registered command's signature at
# start-up, so registering all of them costs a read command a tenth of its time.
GROUPS = {
    "assessment": "accelerator.commands.assessment",
    "barrier": "accelerator.commands.barriers",
    "community": "accelerator.commands.community",
    "goal": "accelerator.commands.goals",
    "roadmap": "accelerator.commands.roadmap",
}
SETUP_WORDS = ("init", "cohort", "jurisdiction", "person", "team")
VALUED_OPTIONS = ("--actor",)


def command_word(args: Sequence[str]) -> str | None:
    """The first word of a command line that is not an option (nor an option's value)."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in VALUED_OPTIONS:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def build_app(args: Sequence[str] = ()) -> typer.Typer:
    """The command, with the groups ``args`` need (every group for help or an unknown word)."""
    from accelerator.commands import setup

    app = typer.Typer(
        name="accelerator",
        help="Equity Accelerator: self-assessments, barriers, goals and roadmaps for local health jurisdictions.",
        no_args_is_help=True,
        rich_markup_mode="rich",
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    app.callback()(main_options)
    word = command_word(args)
    if word is None or word not in GROUPS:
        setup.register(app, word)
    for name, module in GROUPS.items():
        if word in (None, name) or (word not in GROUPS and word not in SETUP_WORDS):
            app.add_typer(import_module(module).app, name=name)
    app.command()(demo)
    app.command()(serve)
    return app


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


def demo(
    out: Annotated[str, typer.Option(help="Folder for the demo's database, workbooks and reports.")] = "demo-output",
) -> None:
    """Set up a fictional cohort, fill workbooks, run every assessment and print where it all is."""
    from accelerator.demo import run_demo

    run_demo(out)


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
        build_app(sys.argv[1:])(standalone_mode=False)
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
