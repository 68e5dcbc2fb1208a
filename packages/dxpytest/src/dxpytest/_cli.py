"""The `dxpytest` command line."""

from __future__ import annotations

import gc
import os
import sys
from typing import TYPE_CHECKING

import click

from dxpytest.__about__ import __version__
from dxpytest._errors import DxpytestError, WorkerError

if TYPE_CHECKING:
    from dxpytest._pool import Pool


def _early_pool(deadline_s: float, test_timeout_s: float | None, *, server: bool) -> Pool:
    """Start the zygote (or attach to the fork server) before the rest of dxpytest is imported:
    a new one imports pytest and the plugins while this process reads the configuration and the
    index."""
    from dxpytest._pool import Pool
    from dxpytest._pytest_internals import check_pytest

    check_pytest()
    return Pool(
        workers=os.cpu_count() or 1,
        on_report=lambda event, payload: None,
        deadline_s=deadline_s,
        test_timeout_s=test_timeout_s,
        server=server,
    )


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dxpytest")
@click.argument("args", nargs=-1)
@click.option("-k", "keyword", metavar="EXPR", help="Only tests whose names match (pytest's -k grammar).")
@click.option("-m", "markexpr", metavar="EXPR", help="Only tests whose marks match (pytest's -m grammar).")
@click.option("-v", "--verbose", count=True, help="More verbose (passed on to pytest's hooks).")
@click.option("-q", "--quiet", count=True, help="Less verbose (passed on to pytest's hooks).")
@click.option("-x", "--exitfirst", is_flag=True, help="Stop after the first failure or error.")
@click.option("--maxfail", type=int, default=0, metavar="N", help="Stop after N failures or errors.")
@click.option(
    "--lf", "--last-failed", "last_failed", is_flag=True, help="Only the tests that failed last time."
)
@click.option(
    "--ff", "--failed-first", "failed_first", is_flag=True, help="The tests that failed last time first."
)
@click.option(
    "-n", "--numprocesses", "workers", default="auto", show_default=True, help="Workers, or 'auto'."
)
@click.option("--collect-only", "--co", "collect_only", is_flag=True, help="List the node ids; run nothing.")
@click.option(
    "--junitxml", "--junit-xml", "junitxml", metavar="FILE", help="Write JUnit XML (pytest's names)."
)
@click.option("--durations", type=int, default=None, metavar="N", help="Show the N slowest tests (0: all).")
@click.option("--shard", metavar="K/N", help="Run shard K of N, balanced by recorded durations.")
@click.option("--ci", is_flag=True, help="Plain output, no live display (also when not on a TTY).")
@click.option("--verify-collection", is_flag=True, help="Diff our collection against pytest --collect-only.")
@click.option("--pytest", "use_pytest", is_flag=True, help="Hand the suite to plain pytest.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the outcome.")
@click.option("-p", "plugins", multiple=True, metavar="NAME", help="As pytest's -p (NAME or no:NAME).")
@click.option("--ignore", "ignore", multiple=True, metavar="PATH", help="As pytest's --ignore.")
@click.option("-W", "warning_filters", multiple=True, metavar="FILTER", help="As pytest's -W.")
@click.option(
    "-o", "--override-ini", "overrides", multiple=True, metavar="NAME=VALUE", help="As pytest's -o."
)
@click.option(
    "--deadline",
    "deadline_s",
    type=float,
    default=lambda: float(os.environ.get("DXPYTEST_DEADLINE_S", "3600")),
    help="Hard limit for the whole session in seconds [env DXPYTEST_DEADLINE_S; default 3600].",
)
@click.option(
    "--timeout", "test_timeout_s", type=float, default=None, help="Kill a test's worker after S seconds."
)
@click.option(
    "--server/--no-server",
    "use_server",
    default=True,
    help="Fork workers from the project's warm fork server [off with env DXPYTEST_NO_SERVER=1].",
)
def main(
    args: tuple[str, ...],
    keyword: str | None,
    markexpr: str | None,
    verbose: int,
    quiet: int,
    exitfirst: bool,
    maxfail: int,
    last_failed: bool,
    failed_first: bool,
    workers: str,
    collect_only: bool,
    junitxml: str | None,
    durations: int | None,
    shard: str | None,
    ci: bool,
    verify_collection: bool,
    use_pytest: bool,
    as_json: bool,
    plugins: tuple[str, ...],
    ignore: tuple[str, ...],
    warning_filters: tuple[str, ...],
    overrides: tuple[str, ...],
    deadline_s: float,
    test_timeout_s: float | None,
    use_server: bool,
) -> None:
    """Run a pytest suite fast: static collection index, warm forked workers, work stealing.

    ARGS are paths, node ids (file.py::Class::test) or globs over node ids (tests/*::test_io*).
    Results, counts and exit codes are pytest's.
    """
    from dxpytest._zygote_link import server_wanted

    server = server_wanted(use_server)
    try:
        pool = (
            None
            if collect_only or verify_collection or use_pytest
            else _early_pool(deadline_s, test_timeout_s, server=server)
        )
    except DxpytestError as error:
        click.echo(f"ERROR: {error}", err=True)
        sys.exit(3)
    from dxpytest._run import Options, Session

    options = Options(
        args=list(args),
        keyword=keyword,
        markexpr=markexpr,
        verbosity=verbose - quiet,
        maxfail=1 if exitfirst else maxfail,
        last_failed=last_failed,
        failed_first=failed_first,
        workers=workers,
        collect_only=collect_only,
        junitxml=junitxml,
        durations=durations,
        shard=shard,
        ci=ci,
        verify_collection=verify_collection,
        pytest=use_pytest,
        json=as_json,
        overrides=list(overrides),
        plugins=list(plugins),
        warning_filters=list(warning_filters),
        ignore=list(ignore),
        deadline_s=deadline_s,
        test_timeout_s=test_timeout_s,
        server=server,
    )
    color = sys.stdout.isatty() and not ci and not as_json and not os.environ.get("NO_COLOR")
    try:
        code = Session(options, sys.stdout, color=color, pool=pool).run()
    except WorkerError as error:
        click.echo(f"INTERNALERROR: {error}", err=True)
        code = 3
    except DxpytestError as error:
        click.echo(f"ERROR: {error}", err=True)
        code = 4
    sys.stdout.flush()
    gc.freeze()  # exiting needs no collection; the interpreter's final ones would cost ~30 ms
    sys.exit(code)
