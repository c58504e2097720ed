"""The ``accelerator`` command: a thin door over the services.

Only typer and rich are imported here; the ORM and Prefect load inside the commands that use
them, so ``accelerator --help`` and friends start quickly.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from importlib import import_module
from typing import Annotated, NoReturn

import typer
from typer._click.core import Command
from typer._click.exceptions import ClickException

from accelerator.output import err_console, escape

# Command groups by the word that invokes them, each in its own module. Only the group a command
# line names is imported and registered: typer inspects every registered command's signature at
# start-up, so registering all of them costs a read command a tenth of its time.
GROUPS = {
    "assessment": "accelerator.commands.assessment",
    "barrier": "accelerator.commands.barriers",
    "change": "accelerator.commands.changes",
    "commitment": "accelerator.commands.commitments",
    "community": "accelerator.commands.community",
    "equity": "accelerator.commands.equity",
    "goal": "accelerator.commands.goals",
    "journey": "accelerator.commands.journey",
    "metrics": "accelerator.commands.metrics",
    "recommendation": "accelerator.commands.recommendations",
    "report": "accelerator.commands.reports",
    "roadmap": "accelerator.commands.roadmap",
    "server": "accelerator.commands.server",
    "session": "accelerator.commands.sessions",
    "spend": "accelerator.commands.spend",
    "survey": "accelerator.commands.survey",
}
SETUP_WORDS = ("init", "cohort", "jurisdiction", "person", "team")
SINGLE_WORDS = ("whoami", "demo", "serve", "status", "web")
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
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(main_options)
    word = command_word(args)
    everything = word is None or word not in (*GROUPS, *SETUP_WORDS, *SINGLE_WORDS)
    if everything or word in SETUP_WORDS:
        setup.register(app, None if everything else word)
    for name, module in GROUPS.items():
        if everything or word == name:
            app.add_typer(import_module(module).app, name=name)
    if everything or word == "whoami":
        from accelerator.commands.identity import whoami

        app.command()(whoami)
    if everything or word == "status":
        from accelerator.commands.sessions import status

        app.command()(status)
    app.command()(demo)
    app.command()(serve)
    app.command()(web)
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
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Set up a fictional cohort, fill workbooks, run every assessment and print where it all is."""
    from accelerator.demo import run_demo

    run_demo(out, as_json)


def serve() -> None:
    """Offer the runs, the nine sessions and the journey as Prefect UI forms, run as you (needs a Prefect server)."""
    import os

    from accelerator.flowrun import configure_prefect
    from accelerator.startup import work_starts
    from assessment.core.errors import AcceleratorError

    configure_prefect()  # the server `accelerator server start` started, when it answers
    if not os.environ.get("PREFECT_API_URL"):
        raise AcceleratorError(
            "Serving needs a running Prefect server: start one with `accelerator server start` (or, for several "
            "users, `prefect server start` on PostgreSQL with PREFECT_API_URL=http://HOST:4200/api set), then run "
            "`accelerator serve` again."
        )
    from flows.deployments import serve_all

    # the runs' own lines come from the flows' state hooks (flows/reporting.py), in the run's process
    err_console.print("Each run prints a line here as it ends: what ran, for whom, and how it ended.")
    work_starts()
    serve_all()


def web(
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0: every network interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    behind_proxy: Annotated[
        bool,
        typer.Option(
            "--behind-proxy",
            help="An HTTPS proxy on this machine forwards to the app: trust its X-Forwarded-Proto (secure cookies).",
        ),
    ] = False,
) -> None:
    """Start the web app: sign in with your email and a password set with `accelerator person set-password`."""
    import uvicorn

    from accelerator.flowrun import TEMPORARY_SERVER_TIP, configure_prefect, local_server_api_url
    from accelerator.startup import work_starts
    from accelerator.web.app import create_app

    # Work started from a page (scoring workbooks, building a roadmap) runs as Prefect flows in this process.
    configure_prefect()
    if not os.environ.get("PREFECT_API_URL") and local_server_api_url() is None:
        err_console.print(
            escape(f"{TEMPORARY_SERVER_TIP} Without it, the first flow started from a page waits 10-20 s."),
            soft_wrap=True,
        )
    if host not in ("127.0.0.1", "localhost", "::1") and not behind_proxy:
        err_console.print(
            "Note: passwords cross the network in the clear over plain HTTP. Put an HTTPS proxy in front and "
            "start with --behind-proxy.",
            soft_wrap=True,
        )
    err_console.print(f"The web app answers at http://{host}:{port}/ (Ctrl+C stops it).")
    app = create_app()
    work_starts()
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=behind_proxy,
        forwarded_allow_ips="127.0.0.1,::1" if behind_proxy else None,
    )


def command_line() -> None:
    """The ``accelerator`` program: ``main`` in a process of its own, started quickly."""
    from accelerator.startup import hold_collector

    hold_collector()
    main()


def main() -> None:
    """Runs the app and turns the error family into messages and exit codes."""
    from assessment.core.errors import AcceleratorError, ValidationFailed

    args = sys.argv[1:]
    as_json = "--json" in args
    try:
        command = typer.main.get_command(build_app(args))
        plain_metavars(command)
        command(args, prog_name="accelerator", standalone_mode=False)
    except ValidationFailed as exc:
        fail(exc.exit_code, exc.summary, [str(p) for p in exc.problems], as_json, more=exc.more)
    except AcceleratorError as exc:
        fail(exc.exit_code, exc.message, [], as_json)
    except (typer.Abort, KeyboardInterrupt):
        err_console.print("Stopped.")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except ClickException as exc:  # usage errors: unknown option, bad value, ...
        if as_json:
            fail(exc.exit_code, exc.format_message(), [], as_json)
        exc.show(file=sys.stderr)
        sys.exit(exc.exit_code)
    except Exception as exc:
        from assessment.core.faults import database_location, fault_of
        from assessment.core.settings import get_settings

        database_url = get_settings().database_url
        fault = fault_of(exc, database_url)
        if fault is not None:  # a read-only or full disk or database, a server that does not answer
            fail(fault.exit_code, fault.message, [], as_json)
        if _missing_schema(exc):
            fail(
                4,
                f"The database at {database_location(database_url)} is not set up yet. Run `accelerator init` "
                "first (it creates or upgrades the schema).",
                [],
                as_json,
            )
        fail(1, *unexpected(exc), as_json)


def fail(code: int, message: str, problems: list[str], as_json: bool, more: int = 0) -> NoReturn:
    """Say what went wrong on stderr, as one JSON document with --json, and exit with ``code``.
    What users typed is escaped here, once, so it is never read as markup. ``more`` counts
    problems found but not kept (past the bound of one refusal)."""
    from accelerator.output import escape

    if as_json:
        document = {"error": message, "problems": problems, "more_problems": more, "exit_code": code}
        print(json.dumps(document, ensure_ascii=False), file=sys.stderr)
    else:
        shown = problems[:SHOWN_PROBLEMS]
        more += len(problems) - len(shown)
        lines = [f"[bold red]Error:[/] {escape(message)}"] + [f"  - {escape(p)}" for p in shown]
        if more > 0:
            lines.append(f"  ... and {more} more problem(s) of the same input; fix these first and try again.")
        err_console.print("\n".join(lines), highlight=False, soft_wrap=True)
    sys.exit(code)


# A person reads the first problems and fixes them; thousands of lines help nobody.
SHOWN_PROBLEMS = 50


def unexpected(exc: Exception) -> tuple[str, list[str]]:
    """One sentence for a failure nobody foresaw, with the details written to the log file (and
    shown, stack and all, with ACCELERATOR_DEBUG=1)."""
    import logging
    import traceback

    from assessment.core.settings import get_settings

    settings = get_settings()
    if settings.debug:
        traceback.print_exception(exc, file=sys.stderr)
    log = settings.log_file
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(log, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger = logging.getLogger("accelerator.failures")
        logger.propagate = False  # the log file only; the person already read the sentence
        logger.addHandler(handler)
        logger.error("accelerator %s failed", " ".join(sys.argv[1:]), exc_info=exc)
        handler.close()
        logger.removeHandler(handler)
        where = f"the details are in {log}"
    except OSError:
        where = "the details could not be logged; run again with ACCELERATOR_DEBUG=1 to see them"
    return (
        f"Something unexpected went wrong ({type(exc).__name__}: {exc}); nothing more was done. "
        f"Please report it; {where}.",
        [],
    )


def plain_metavars(command: Command) -> None:
    """Name values as people read them (--cohort COHORT, BARRIER_ID) instead of Python types
    (<str>, <int>); flags, --help included, show no value at all."""
    from typer.core import TyperArgument, TyperOption

    def option_value(option: TyperOption, ctx: object) -> str | None:
        if option.is_flag:
            return None
        return option.metavar or (option.name or "value").upper()

    # typer asks each parameter for this text in its help; the one place it is decided
    setattr(TyperOption, "display_type_rich", option_value)  # noqa: B010
    setattr(TyperArgument, "display_type_rich", lambda argument, ctx: None)  # noqa: B010

    def usage_name(argument: TyperArgument) -> str:
        # a required argument is written plainly (BARRIER_ID), as man pages do, not {BARRIER_ID}
        name = argument.display_name_raw if argument.required else f"[{argument.display_name_raw}]"
        return name + ("..." if argument.nargs != 1 else "")

    setattr(TyperArgument, "_usage_display_name", usage_name)  # noqa: B010
    name_arguments(command)


def name_arguments(command: Command) -> None:
    """Arguments are named in capitals in usage lines (BARRIER_ID), as options' values are."""
    for param in command.params:
        if param.param_type_name == "argument" and param.metavar is None:
            param.metavar = (param.name or "value").upper()
    for sub in getattr(command, "commands", {}).values():
        name_arguments(sub)


def _missing_schema(exc: Exception) -> bool:
    """True for the database's own words for 'no such table', on SQLite and PostgreSQL."""
    text = str(exc)
    return "no such table" in text or ("relation" in text and "does not exist" in text)


if __name__ == "__main__":
    command_line()
