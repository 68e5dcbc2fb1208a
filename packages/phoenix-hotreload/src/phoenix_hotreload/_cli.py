"""The `phoenix-hotreload` command line."""

from __future__ import annotations

import importlib
import json
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from phoenix_hotreload.__about__ import __version__

if TYPE_CHECKING:
    from phoenix_hotreload._manager import HotReloadManager
    from phoenix_hotreload._versions import VersionInfo

_FILES = click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
_JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


def _config_options(function: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--model", help="Pydantic model to validate with, as module:Class."),
        click.option("--profile", help="Layer FILE.<profile>.yaml / .env.<profile> over each file."),
        click.option("--env-prefix", help="Also read environment variables with this prefix (APP_DB__PORT)."),
        click.option("--lax", is_flag=True, help="Allow duplicate YAML keys (the last one wins)."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="phoenix-hotreload")
def main() -> None:
    """Validated, versioned hot reload of YAML/.env configuration with rollback and subscriptions."""


@main.command()
@_FILES
@_config_options
@_JSON
def validate(
    files: Sequence[Path],
    model: str | None,
    profile: str | None,
    env_prefix: str | None,
    lax: bool,
    as_json: bool,
) -> None:
    """Parse and validate FILES (layered in order) without applying anything."""
    info = _load(files, model, profile, env_prefix, lax)
    if as_json:
        click.echo(json.dumps(info.to_json(), indent=2))
    elif info.applied:
        click.echo(click.style("valid", fg="green") + f": {', '.join(map(str, files))}")
    _exit_if_rejected(info, quiet=as_json)


@main.command()
@_FILES
@_config_options
@click.option("--key", help="Show only the value at this dotted path.")
@_JSON
def show(
    files: Sequence[Path],
    model: str | None,
    profile: str | None,
    env_prefix: str | None,
    lax: bool,
    key: str | None,
    as_json: bool,
) -> None:
    """Print the configuration FILES resolve to (after layering and validation)."""
    from phoenix_hotreload._diff import _jsonable
    from phoenix_hotreload._frozen import lookup

    info = _load(files, model, profile, env_prefix, lax)
    _exit_if_rejected(info, quiet=False)
    assert info.data is not None
    try:
        value = lookup(info.data, key) if key else info.data
    except KeyError:
        raise click.ClickException(f"no value at {key!r}") from None
    text = json.dumps(_jsonable(value), indent=2)
    if not as_json and not isinstance(_jsonable(value), dict | list):
        text = str(value)
    click.echo(text)


@main.command()
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option(
    "--history",
    "history_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Compare versions of this history.",
)
@_JSON
def diff(old: str | None, new: str | None, history_dir: Path | None, as_json: bool) -> None:
    """Compare two configuration files, or two versions (ids) of a --history directory.

    With --history, NEW defaults to the newest applied version.
    """
    from phoenix_hotreload._diff import diff_trees

    if old is None:
        raise click.UsageError("give OLD (and NEW)")
    if history_dir is not None:
        manager = _history_manager(history_dir)
        result = manager.diff(_version_id(old), _version_id(new) if new else _newest_applied(manager))
    else:
        if new is None:
            raise click.UsageError("give two files to compare")
        before, after = (_load([Path(name)], None, None, None, False) for name in (old, new))
        for info in (before, after):
            _exit_if_rejected(info, quiet=False)
        result = diff_trees(before.data, after.data)
    click.echo(json.dumps(result.to_json(), indent=2) if as_json else result.to_text())


@main.command()
@click.argument("history_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_JSON
def history(history_dir: Path, as_json: bool) -> None:
    """List the versions recorded in HISTORY_DIR (a manager's history_dir)."""
    versions = _history_manager(history_dir).history()
    if as_json:
        click.echo(json.dumps([v.to_json() for v in versions], indent=2))
        return
    for info in versions:
        click.echo(_describe(info))


@main.command()
@_FILES
@_config_options
@click.option(
    "--history",
    "history_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Persist versions here.",
)
@click.option("--polling", is_flag=True, default=None, help="Poll instead of native file events.")
@click.option("--debounce-ms", default=50, show_default=True, help="Quiet time that ends one save.")
@_JSON
def watch(
    files: Sequence[Path],
    model: str | None,
    profile: str | None,
    env_prefix: str | None,
    lax: bool,
    history_dir: Path | None,
    polling: bool | None,
    debounce_ms: int,
    as_json: bool,
) -> None:
    """Watch FILES and print each applied or rejected version live (Ctrl-C stops)."""
    from phoenix_hotreload._errors import ConfigError
    from phoenix_hotreload._manager import HotReloadManager

    def report(info: VersionInfo) -> None:
        click.echo(json.dumps(info.to_json()) if as_json else _describe(info))
        sys.stdout.flush()

    manager = HotReloadManager(
        list(files),
        model=_import_model(model),
        profile=profile,
        env_prefix=env_prefix,
        strict=not lax,
        history_dir=history_dir,
        polling=polling,
        debounce_ms=debounce_ms,
        on_version=report,
    )
    try:
        manager.start()
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        manager.stop()


def _load(
    files: Sequence[Path], model: str | None, profile: str | None, env_prefix: str | None, lax: bool
) -> VersionInfo:
    from phoenix_hotreload._errors import PhoenixError
    from phoenix_hotreload._manager import HotReloadManager

    manager = HotReloadManager(
        list(files),
        model=_import_model(model),
        profile=profile,
        env_prefix=env_prefix,
        strict=not lax,
        watch=False,
    )
    try:
        info = manager.reload(trigger="cli", force=True)
    except PhoenixError as error:
        raise click.ClickException(str(error)) from None
    assert info is not None
    return info


def _history_manager(history_dir: Path) -> HotReloadManager:
    from phoenix_hotreload._manager import HotReloadManager

    return HotReloadManager(history_dir=history_dir, watch=False, max_versions=1_000_000)


def _import_model(spec: str | None) -> type[Any] | None:
    if spec is None:
        return None
    module_name, _, attribute = spec.partition(":")
    if not attribute:
        raise click.BadParameter("expected module:Class", param_hint="--model")
    sys.path.insert(0, str(Path.cwd()))
    try:
        model: type[Any] = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise click.BadParameter(f"cannot import {spec}: {error}", param_hint="--model") from None
    finally:
        sys.path.pop(0)
    return model


def _exit_if_rejected(info: VersionInfo, *, quiet: bool) -> None:
    if info.applied:
        return
    if not quiet:
        for problem in info.problems:
            click.echo(click.style("error", fg="red") + f": {problem}", err=True)
    sys.exit(1)


def _version_id(text: str) -> int:
    if not text.isdigit():
        raise click.BadParameter(f"{text!r} is not a version id")
    return int(text)


def _newest_applied(manager: HotReloadManager) -> int:
    applied = manager.history(include_rejected=False)
    if not applied:
        raise click.ClickException("the history has no applied version")
    return applied[-1].version


def _describe(info: VersionInfo) -> str:
    when = info.created_at.strftime("%Y-%m-%d %H:%M:%S")
    status = click.style(info.status, fg="green" if info.applied else "red")
    line = f"v{info.version} {status} {when} {info.trigger}"
    if info.digest:
        line += f" [{info.digest[:12]}]"
    return "\n".join([line, *(f"    {problem}" for problem in info.problems)])
