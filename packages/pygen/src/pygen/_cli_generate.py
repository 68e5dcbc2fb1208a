"""`pygen generate`: write (or check, or diff) the Python SDK of a data model."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

import click

from pygen._errors import PygenError


def _config_path(value: str | None) -> Path | None:
    if value is not None:
        return Path(value)
    default = Path("pyproject.toml")
    return default if default.is_file() else None


@click.command()
@click.option(
    "--file",
    "files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="A local data model file (YAML or JSON); repeatable.",
)
@click.option(
    "--data-model",
    "data_models",
    multiple=True,
    help="space:externalId/version to read from the project; repeatable.",
)
@click.option("--base-url", help="The CDF cluster URL, or an emulator's URL (`pygen emulator serve`).")
@click.option("--project", help="The CDF project.")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    help="pyproject.toml with [tool.pygen] (default: ./pyproject.toml).",
)
@click.option(
    "--secrets",
    type=click.Path(dir_okay=False),
    help="A file of KEY=value lines (PYGEN_TOKEN, PYGEN_CLIENT_ID, ...).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False),
    help="Directory the package is written to (default: .).",
)
@click.option("--package", help="Import name of the package (default: <model>_sdk).")
@click.option(
    "--include", multiple=True, help="Only views whose external id matches (shell pattern); repeatable."
)
@click.option("--exclude", multiple=True, help="Leave out views whose external id matches; repeatable.")
@click.option("--include-space", multiple=True, help="Only views in matching spaces; repeatable.")
@click.option("--exclude-space", multiple=True, help="Leave out views in matching spaces; repeatable.")
@click.option(
    "--dry-run", is_flag=True, help="Print the files that would change, with a diff; write nothing."
)
@click.option("--check", is_flag=True, help="Exit 1 when the SDK on disk is stale (for CI); write nothing.")
@click.option("--watch", is_flag=True, help="Regenerate whenever a model file changes.")
@click.option("--force", is_flag=True, help="Regenerate even when the model did not change.")
@click.option(
    "--wheel",
    "wheel_dir",
    type=click.Path(file_okay=False),
    help="Also write the SDK as a wheel into this directory.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report.")
def generate(**options: Any) -> None:
    """Generate a typed Python SDK from a data model: a file, a CDF project or an emulator."""
    try:
        run = _Run(options)
        if options["watch"]:
            run.watch()
        else:
            sys.exit(run.once())
    except PygenError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)


class _Run:
    def __init__(self, options: dict[str, Any]) -> None:
        from pygen.generator._source import read_config

        self.options = options
        config = read_config(_config_path(options["config_file"]))
        self.files = list(options["files"]) or list(config.files)
        self.data_models = list(options["data_models"]) or list(config.data_models)
        self.base_url = options["base_url"] or config.base_url
        self.project = options["project"] or config.project
        self.secrets = options["secrets"] or config.secrets
        self.output = Path(options["output"] or config.output or ".")
        self.package = options["package"] or config.package
        if not self.files and not (self.data_models and self.base_url and self.project):
            raise PygenError("give --file, or --data-model with --base-url and --project (or [tool.pygen])")

    def _model(self) -> Any:
        from pygen.generator._source import credentials_from, fetch_model, load_files, read_secrets
        from pygen.ir import select_views

        if self.files:
            model = load_files(self.files)
        else:
            from pygen.client import DMSClient

            credentials = credentials_from(read_secrets(self.secrets))
            assert self.base_url is not None
            assert self.project is not None
            with DMSClient(self.base_url, self.project, credentials=credentials) as client:
                model = fetch_model(client, self.data_models)
        o = self.options
        return select_views(
            model,
            include=o["include"],
            exclude=o["exclude"],
            include_spaces=o["include_space"],
            exclude_spaces=o["exclude_space"],
        )

    def once(self) -> int:
        from pygen.generator import default_package, diff_sdk, generate_sdk, is_current, model_key, write_sdk
        from pygen.ir import validate

        started = time.perf_counter()
        model = self._model()
        package = self.package or default_package(model)
        warnings = [str(issue) for issue in validate(model) if issue.severity == "warning"]
        report: dict[str, Any] = {
            "package": package,
            "output": str(self.output / package),
            "warnings": warnings,
        }
        if (
            not self.options["force"]
            and not self.options["dry_run"]
            and not self.options["wheel_dir"]
            and is_current(self.output / package, model_key(model, package))
        ):
            report.update(status="current", written=[], seconds=round(time.perf_counter() - started, 3))
            return self._finish(report, 0, f"{package} is up to date ({self.output / package})")
        with self._progress() as progress:
            sdk = generate_sdk(model, package, progress=progress)
        if self.options["check"] or self.options["dry_run"]:
            diffs = diff_sdk(sdk, self.output)
            report.update(status="stale" if diffs else "current", changed=sorted(diffs))
            if self.options["dry_run"] and not self.options["as_json"]:
                for diff in diffs.values():
                    click.echo(diff, nl=False)
            code = 1 if diffs and self.options["check"] else 0
            verb = "would change" if self.options["dry_run"] else "stale"
            return self._finish(
                report, code, f"{len(diffs)} file(s) {verb}: {', '.join(sorted(diffs)) or '-'}"
            )
        written = write_sdk(sdk, self.output)
        if self.options["wheel_dir"]:
            from pygen.generator import write_wheel

            report["wheel"] = str(write_wheel(sdk, self.options["wheel_dir"]))
        report.update(
            status="written",
            written=written.written,
            unchanged=len(written.unchanged),
            removed=written.removed,
            lines=sdk.lines,
        )
        report["seconds"] = round(time.perf_counter() - started, 3)
        return self._finish(
            report,
            0,
            f"wrote {len(written.written)} file(s), {len(written.unchanged)} unchanged, to {self.output / package} in {report['seconds']} s",
        )

    def _finish(self, report: dict[str, Any], code: int, message: str) -> int:
        if self.options["as_json"]:
            click.echo(json.dumps(report, sort_keys=True))
        else:
            if report["warnings"]:
                click.echo(
                    f"{len(report['warnings'])} naming warning(s): names were mangled (--json lists them)",
                    err=True,
                )
            click.echo(message)
        return code

    def _progress(self) -> AbstractContextManager[Callable[[int, int], None] | None]:
        if self.options["as_json"] or not sys.stderr.isatty():
            return nullcontext(None)
        return _rich_progress()

    def watch(self) -> None:
        from devcore.watch import Watcher

        if not self.files:
            raise PygenError("--watch needs model files (--file or [tool.pygen] files)")
        self._once_reporting_errors()
        try:
            with Watcher([str(Path(f).resolve()) for f in self.files], debounce_ms=100) as watcher:
                click.echo(f"watching {', '.join(self.files)} (Ctrl-C to stop)")
                sys.stdout.flush()
                for changes in watcher:
                    if any(path.name in {Path(f).name for f in self.files} for path in changes.paths()):
                        self._once_reporting_errors()
                        sys.stdout.flush()
        except KeyboardInterrupt:
            return

    def _once_reporting_errors(self) -> None:
        try:
            self.once()
        except PygenError as error:
            click.echo(f"error: {error}", err=True)


@contextmanager
def _rich_progress() -> Iterator[Callable[[int, int], None]]:
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("rendering views", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update
