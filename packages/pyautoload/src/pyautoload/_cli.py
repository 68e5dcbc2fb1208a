"""The `pyautoload` command line: `tree` shows what the conventions give, `check` finds the files
they can never reach, `eager` loads it all."""

from __future__ import annotations

import json
import os
import sys

import click

from pyautoload.__about__ import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import TypeVar

    from pyautoload._errors import ConflictError
    from pyautoload._loader import Loader
    from pyautoload._registry import Entry

    T = TypeVar("T")


def _loader_options(command: Callable[..., None]) -> Callable[..., None]:
    options = [
        click.argument("path", type=click.Path(exists=True, file_okay=False, resolve_path=True)),
        click.option("--namespace", "-n", help="Namespace of PATH (default: its directory name)."),
        click.option(
            "--acronym", "acronyms", multiple=True, metavar="WORD", help="Keep WORD upper case (repeat)."
        ),
        click.option(
            "--inflect", "overrides", multiple=True, metavar="BASENAME=NAME", help="Exact override (repeat)."
        ),
        click.option(
            "--ignore", "ignores", multiple=True, metavar="GLOB", help="Leave paths unmanaged (repeat)."
        ),
        click.option(
            "--collapse",
            "collapses",
            multiple=True,
            metavar="GLOB",
            help="Directories without a level (repeat).",
        ),
        click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _make_loader(
    path: str,
    namespace: str | None,
    acronyms: tuple[str, ...],
    overrides: tuple[str, ...],
    ignores: tuple[str, ...],
    collapses: tuple[str, ...],
) -> Loader:
    from pyautoload._inflector import Inflector
    from pyautoload._loader import Loader

    pairs = {}
    for override in overrides:
        basename, sep, name = override.partition("=")
        if not sep or not basename or not name:
            raise click.BadParameter(f"expected BASENAME=NAME, got {override!r}", param_hint="--inflect")
        pairs[basename] = name
    loader = Loader(inflector=Inflector(acronyms=acronyms, overrides=pairs))
    loader.push_dir(path, namespace=namespace or os.path.basename(path))
    loader.ignore(*ignores)
    loader.collapse(*collapses)
    return loader


def _loader_command(job: Callable[[Loader, str, bool], None]) -> Callable[..., None]:
    """The shared options, turned into the loader they describe before ``job(loader, path, as_json)``
    runs: each command is its own job, and a loader that cannot be built fails them all alike."""

    def command(
        path: str,
        namespace: str | None,
        acronyms: tuple[str, ...],
        overrides: tuple[str, ...],
        ignores: tuple[str, ...],
        collapses: tuple[str, ...],
        as_json: bool,
    ) -> None:
        loader = _reported(lambda: _make_loader(path, namespace, acronyms, overrides, ignores, collapses))
        try:
            job(loader, path, as_json)
        finally:  # a host may call main() again on the same root
            loader.unregister()

    command.__name__ = job.__name__
    command.__doc__ = job.__doc__
    return _loader_options(command)


def _reported(read: Callable[[], T]) -> T:
    """``read()``; the loader or file-system error it raises is printed without a traceback (exit 1)."""
    from pyautoload._errors import PyautoloadError

    try:
        return read()
    except (PyautoloadError, OSError) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pyautoload")
def main() -> None:
    """Zeitwerk-style autoloader for Python: names resolve lazily by file convention; eager loading, unloading and layout checks."""


@main.command()
@_loader_command
def tree(loader: Loader, path: str, as_json: bool) -> None:
    """Show the names the conventions give to the files below PATH (imports nothing)."""
    names = _reported(loader.all_expected_names)
    if as_json:
        entries = [_entry_json(entry) for entry in [*loader.walk_roots(), *loader.registry]]
        click.echo(
            json.dumps(
                {"root": path, "namespace": loader.namespaces()[path], "names": names, "modules": entries},
                indent=2,
            )
        )
        return
    from rich.console import Console
    from rich.tree import Tree

    root = loader.walk_roots()[0]
    view = Tree(f"[bold]{root.module}[/]  [dim]{path}[/]")
    _grow(view, root, path)
    Console().print(view)


def _entry_json(entry: Entry) -> dict[str, object]:
    return {
        "module": entry.module,
        "kind": entry.kind,
        "name": entry.name,
        "file": entry.file,
        "dirs": entry.dirs,
    }


def _grow(branch: object, entry: Entry, base: str) -> None:
    from rich.markup import escape

    assert entry.children is not None
    for child in sorted(dict.fromkeys(entry.children.values()), key=lambda c: c.module):
        if child.attribute is not None and child.file is not None:
            label = f"{escape(os.path.relpath(child.file, base))} → [green]{child.name}[/]"
            if child.is_namespace:
                label += f"  (namespace [cyan]{child.module}[/])"
            node = branch.add(label)  # type: ignore[attr-defined]
            if child.is_namespace:
                _grow(node, child, base)
        elif child.is_namespace:
            dirs = ", ".join(escape(os.path.relpath(d, base)) + "/" for d in child.dirs)
            kind = " (package)" if child.kind == "package" else ""
            _grow(branch.add(f"{dirs} → [cyan]{child.module}[/]{kind}"), child, base)  # type: ignore[attr-defined]


@main.command()
@_loader_command
def check(loader: Loader, path: str, as_json: bool) -> None:
    """Report the files below PATH the conventions can never reach by name (imports nothing; exit 1 if any).

    A conflict is ``x.py`` beside ``x/__init__.py``, or ``x/x.py`` beside the explicit namespace
    file ``x.py`` (whose own name ``X`` shadows the child's ``x.X``).
    """
    conflicts = _reported(lambda: _conflicts(loader))
    if as_json:
        found = [{"path": c.path, "other": c.other, "message": str(c)} for c in conflicts]
        click.echo(json.dumps({"root": path, "conflicts": found}, indent=2))
    elif conflicts:
        for conflict in conflicts:
            click.echo(f"conflict: {conflict}")
    else:
        click.echo(f"ok: no conflicts below {path}")
    if conflicts:
        sys.exit(1)


def _conflicts(loader: Loader) -> list[ConflictError]:
    """The layout conflicts below the loader's roots, the one that stops the listing included."""
    from pyautoload._errors import ConflictError
    from pyautoload._shadow import find_conflicts

    try:
        return find_conflicts(loader)
    except ConflictError as error:
        return [error]


@main.command()
@_loader_command
def eager(loader: Loader, path: str, as_json: bool) -> None:
    """Eager-load every file below PATH and report each one that fails (exit 1 if any)."""
    _reported(loader.setup)
    files = [p for p in _reported(loader.all_expected_names) if p.endswith(".py")]
    errors: list[dict[str, object]] = []
    for file in _progress(files, as_json):
        try:
            loader.load_file(file)
        except (Exception, SystemExit) as error:  # every failure, a file's sys.exit too: the walk goes on
            errors.append(
                {
                    "path": file,
                    "name": loader.expected_name_at(file),
                    "error": type(error).__name__,
                    "message": str(error),
                }
            )
    if as_json:
        click.echo(json.dumps({"root": path, "loaded": len(files) - len(errors), "errors": errors}, indent=2))
    else:
        _report(path, len(files), errors)
    if errors:
        sys.exit(1)


def _progress(files: list[str], as_json: bool) -> Iterable[str]:
    if as_json or not sys.stderr.isatty():
        return files
    from rich.console import Console
    from rich.progress import track

    return track(files, description="eager loading", transient=True, console=Console(stderr=True))


def _report(path: str, total: int, errors: list[dict[str, object]]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not errors:
        console.print(f"[green]ok[/]: {total} file(s) below {path} define their names")
        return
    table = Table("file", "expected", "error", title=f"{len(errors)} of {total} file(s) failed")
    for error in errors:
        table.add_row(
            os.path.relpath(str(error["path"]), path),
            str(error["name"]),
            f"{error['error']}: {error['message']}",
        )
    console.print(table)
