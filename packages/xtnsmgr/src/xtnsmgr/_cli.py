"""The `xtnsmgr` command line: ensure, list, info, invalidate, clean, path, run.

Heavy parts (the cache, rich) load inside the commands, so ``xtnsmgr --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click

from xtnsmgr.__about__ import __version__
from xtnsmgr._errors import ExtensionConfigError, XtnsmgrError

if TYPE_CHECKING:
    from xtnsmgr._cachemgr import CacheManager, Installed
    from xtnsmgr._disk import CacheEntry

F = TypeVar("F", bound=Callable[..., Any])


def _json_option(function: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(function)


class _CommandWithTail(click.Command):
    """A command that keeps everything after ``--`` apart (the command to run)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if "--" in args:
            split = args.index("--")
            ctx.meta["xtnsmgr.tail"] = args[split + 1 :]
            args = args[:split]
        return super().parse_args(ctx, args)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xtnsmgr")
@click.option("--cache-dir", type=click.Path(file_okay=False), help="Cache root [env: XTNSMGR_CACHE_DIR].")
@click.option("--index-url", help="Package index URL.")
@click.option("--find-links", multiple=True, help="Folder or page of archives (repeatable).")
@click.option("--no-index", is_flag=True, help="Use --find-links only.")
@click.option("--offline", is_flag=True, help="Never touch the network; serve expired entries.")
@click.option(
    "--compile-bytecode/--no-compile-bytecode",
    default=None,
    help="Write every .pyc file at install time [default: on; env: XTNSMGR_COMPILE_BYTECODE].",
)
@click.pass_context
def main(
    ctx: click.Context,
    cache_dir: str | None,
    index_url: str | None,
    find_links: tuple[str, ...],
    no_index: bool,
    offline: bool,
    compile_bytecode: bool | None,
) -> None:
    """Extension manager: make any package importable on demand from an isolated, shared cache."""
    ctx.obj = {
        "cache_dir": cache_dir,
        "index_url": index_url,
        "find_links": find_links,
        "no_index": no_index,
        "offline": offline,
        "compile_bytecode": compile_bytecode,
    }


def _manager(ctx: click.Context) -> CacheManager:
    from xtnsmgr._cachemgr import CacheManager
    from xtnsmgr._settings import IndexSettings

    options = ctx.find_object(dict) or {}
    base = IndexSettings.from_environment()
    settings = IndexSettings(
        index_url=options.get("index_url") or base.index_url,
        find_links=tuple(options.get("find_links") or ()) or base.find_links,
        no_index=bool(options.get("no_index")) or base.no_index,
        offline=bool(options.get("offline")) or base.offline,
        compile_bytecode=base.compile_bytecode
        if options.get("compile_bytecode") is None
        else bool(options["compile_bytecode"]),
    )
    return CacheManager(options.get("cache_dir"), settings=settings)


def _fail(error: XtnsmgrError) -> None:
    _fail_all([error])


def _fail_all(errors: Sequence[XtnsmgrError]) -> None:
    """One ``error:`` line each, then exit."""
    for error in errors:
        click.echo(f"error: {error}", err=True)
    sys.exit(_exit_status(errors))


def _exit_status(errors: Sequence[XtnsmgrError]) -> int:
    """2 when every error is a malformed specification (a usage error), else 1."""
    return 2 if all(isinstance(error, ExtensionConfigError) for error in errors) else 1


def _installed_json(entry: Installed) -> dict[str, object]:
    return {
        "specification": entry.specification,
        "key": entry.key,
        "path": str(entry.path) if entry.path else None,
        "source": entry.source,
        "distributions": {d.name: d.version for d in entry.distributions},
        "modules": list(entry.modules),
    }


def _entry_json(entry: CacheEntry) -> dict[str, object]:
    return {
        "key": entry.key,
        "path": str(entry.path) if entry.path else None,
        "requirements": list(entry.requirements),
        "distributions": {d.name: d.version for d in entry.distributions},
        "created": entry.created,
        "last_verified": entry.last_verified,
        "expired": entry.expired,
        "corrupt": entry.corrupt,
    }


def _error_json(specification: str, error: XtnsmgrError) -> dict[str, object]:
    return {"specification": specification, "error": type(error).__name__, "message": str(error)}


def _print_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=True))


def _ensure_all(
    manager: CacheManager, specifications: Sequence[str], *, isolate: bool
) -> list[Installed | XtnsmgrError]:
    """Ensure concurrently, with a progress bar on a terminal: the entry or the error of each."""
    import asyncio

    async def run(advance: Callable[[], None]) -> list[Installed | XtnsmgrError]:
        async def one(spec: str) -> Installed | XtnsmgrError:
            try:
                return await manager.aensure(spec, isolate=isolate)
            except XtnsmgrError as error:
                return error
            finally:
                advance()

        return list(await asyncio.gather(*(one(spec) for spec in specifications)))

    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import Progress

        with Progress(console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("ensuring", total=len(specifications))
            return asyncio.run(run(lambda: progress.advance(task)))
    return asyncio.run(run(lambda: None))


def _entries_or_fail(results: Sequence[Installed | XtnsmgrError]) -> list[Installed]:
    """The entries when every specification was ensured; else every error printed, and exit."""
    errors = [result for result in results if isinstance(result, XtnsmgrError)]
    if errors:
        _fail_all(errors)
    return [result for result in results if not isinstance(result, XtnsmgrError)]


def _table(title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    Console(no_color=not sys.stdout.isatty()).print(table)


@main.command()
@click.argument("specifications", nargs=-1, required=True)
@click.option("--isolate", is_flag=True, help="Use the cache even when the host satisfies a specification.")
@_json_option
@click.pass_context
def ensure(ctx: click.Context, specifications: tuple[str, ...], isolate: bool, as_json: bool) -> None:
    """Install SPECIFICATIONS into the cache (a no-op for fresh entries).

    Every specification is tried; each one that fails is reported (exit 1, or 2 when all that
    failed are malformed). With --json, each item is the entry or its error.
    """
    try:
        results = _ensure_all(_manager(ctx), specifications, isolate=isolate)
    except XtnsmgrError as error:
        _fail(error)
        return
    errors = [result for result in results if isinstance(result, XtnsmgrError)]
    if as_json:
        _print_json(
            [
                _error_json(spec, result) if isinstance(result, XtnsmgrError) else _installed_json(result)
                for spec, result in zip(specifications, results, strict=True)
            ]
        )
        if errors:
            sys.exit(_exit_status(errors))
        return
    rows = [
        (
            e.specification,
            e.source,
            ", ".join(f"{d.name} {d.version}" for d in e.distributions),
            str(e.path or "-"),
        )
        for e in results
        if not isinstance(e, XtnsmgrError)
    ]
    if rows:
        _table("ensured", ("specification", "source", "distributions", "path"), rows)
    if errors:
        _fail_all(errors)


@main.command(name="list")
@_json_option
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """List the cache entries of this interpreter."""
    entries = _manager(ctx).list()
    if as_json:
        _print_json([_entry_json(entry) for entry in entries])
        return
    rows = [
        (
            e.key,
            ", ".join(e.requirements) or "-",
            ", ".join(f"{d.name} {d.version}" for d in e.distributions),
            "corrupt" if e.corrupt else "expired" if e.expired else "fresh",
        )
        for e in entries
    ]
    _table(f"{len(entries)} entries", ("key", "requirements", "distributions", "state"), rows)


@main.command()
@click.argument("specification")
@_json_option
@click.pass_context
def info(ctx: click.Context, specification: str, as_json: bool) -> None:
    """Show the cache entry of SPECIFICATION (exit 1 if it has none)."""
    manager = _manager(ctx)
    try:
        entry = manager.info(specification)
    except XtnsmgrError as error:
        _fail(error)
        return
    if entry is None:
        if as_json:
            _print_json(None)
        click.echo(f"no entry for {specification!r}{_host_hint(manager, specification)}", err=True)
        sys.exit(1)
    if as_json:
        _print_json(_entry_json(entry))
        return
    for key, value in _entry_json(entry).items():
        if key in ("created", "last_verified") and isinstance(value, float):
            value = datetime.fromtimestamp(value, UTC).isoformat(timespec="seconds")
        click.echo(f"{key}: {value}")


def _host_hint(manager: CacheManager, specification: str) -> str:
    """Why a specification may have no entry: the host environment serves it."""
    from xtnsmgr._specification import parse_specification

    host = manager._from_host(parse_specification(specification))
    if host is None:
        return ""
    (served,) = host.distributions
    return (
        f" (the host environment has {served.name} {served.version}, which ensure uses; --isolate caches it)"
    )


@main.command()
@click.argument("specifications", nargs=-1, required=True)
@_json_option
@click.pass_context
def invalidate(ctx: click.Context, specifications: tuple[str, ...], as_json: bool) -> None:
    """Remove the entries of SPECIFICATIONS so the next ensure reinstalls them."""
    manager = _manager(ctx)
    try:
        removed = {spec: manager.invalidate(spec) for spec in specifications}
    except XtnsmgrError as error:
        _fail(error)
        return
    if as_json:
        _print_json(removed)
        return
    for spec, was in removed.items():
        click.echo(f"{spec}: {'removed' if was else 'no entry'}")


@main.command()
@click.option("--older-than", default=None, help="Also remove entries not verified for this long (e.g. 30d).")
@_json_option
@click.pass_context
def clean(ctx: click.Context, older_than: str | None, as_json: bool) -> None:
    """Garbage-collect corrupt and old entries and leftovers (never an entry being installed)."""
    from xtnsmgr._duration import parse_duration_s

    try:
        older_than_s = parse_duration_s(older_than) if older_than is not None else None
    except ExtensionConfigError as error:
        raise click.BadParameter(str(error), param_hint="--older-than") from None
    removed = _manager(ctx).clean(older_than=older_than_s)
    if as_json:
        _print_json(removed)
        return
    click.echo(f"removed {len(removed)} entries" + "".join(f"\n  {key}" for key in removed))


@main.command()
@click.argument("specification")
@click.option("--isolate", is_flag=True, help="Use the cache even when the host satisfies it.")
@_json_option
@click.pass_context
def path(ctx: click.Context, specification: str, isolate: bool, as_json: bool) -> None:
    """Ensure SPECIFICATION and print the directory to put on sys.path."""
    try:
        (entry,) = _entries_or_fail(_ensure_all(_manager(ctx), [specification], isolate=isolate))
    except XtnsmgrError as error:
        _fail(error)
        return
    if as_json:
        _print_json(_installed_json(entry))
    elif entry.path is None:
        click.echo(f"{specification!r} is satisfied by the host environment", err=True)
    else:
        click.echo(str(entry.path))


@main.command(cls=_CommandWithTail)
@click.argument("specifications", nargs=-1, required=True)
@click.option("--isolate", is_flag=True, help="Use the cache even when the host satisfies a specification.")
@_json_option
@click.pass_context
def run(ctx: click.Context, specifications: tuple[str, ...], isolate: bool, as_json: bool) -> None:
    """Ensure SPECIFICATIONS, then run the command after `--` with them importable.

    Example: xtnsmgr run rich -- python -c "import rich"
    """
    from xtnsmgr._importation import added_import_paths
    from xtnsmgr._runner import run_with_paths

    command = ctx.meta.get("xtnsmgr.tail") or []
    if not command:
        raise click.UsageError("give the command to run after `--`")
    try:
        entries = _entries_or_fail(_ensure_all(_manager(ctx), specifications, isolate=isolate))
    except XtnsmgrError as error:
        _fail(error)
        return
    added = added_import_paths()
    paths = [item for e in entries if e.path is not None for item in added.get(str(e.path), [str(e.path)])]
    if as_json:
        _print_json({"entries": [_installed_json(e) for e in entries], "paths": paths, "command": command})
    sys.exit(run_with_paths(command, paths))
