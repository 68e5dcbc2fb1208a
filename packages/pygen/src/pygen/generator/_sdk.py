"""Generate an SDK package from an IR model, and write, diff or check it on disk.

Writing is incremental: the package keeps a manifest with the model's key (a `devcore.hashing`
digest of the IR, the pygen version and the options) and each file's digest, so an unchanged
model skips generation and only changed files are rewritten (each atomically).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devcore.files import atomic_write, staged_directory
from devcore.hashing import hash_bytes
from devcore.serial import packb
from pygen.__about__ import __version__
from pygen.generator._format import LINE_LENGTH, format_sources
from pygen.generator._python import render_python
from pygen.ir import Model, check, prepare_python, to_dict
from pygen.ir._names import to_snake

MANIFEST = ".pygen-manifest.json"
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class GeneratedSDK:
    """A generated package: its import name, files (path relative to the package) and key."""

    package: str
    files: dict[str, str]
    key: str

    @property
    def lines(self) -> int:
        """Total lines of the generated sources."""
        return sum(text.count("\n") for text in self.files.values())


@dataclass
class WriteReport:
    """What `write_sdk` did: files written, left alone (unchanged) and removed (stale)."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: bool = False


def default_package(model: Model) -> str:
    """`Omni` -> `omni_sdk`."""
    return f"{to_snake(model.name) or 'model'}_sdk"


def model_key(model: Model, package: str, *, line_length: int = LINE_LENGTH) -> str:
    """The cache key of a generation: a blake3 digest of the IR, pygen's version and the options."""
    return hash_bytes(packb([to_dict(model), __version__, package, line_length]))


def generate_sdk(
    model: Model,
    package: str | None = None,
    *,
    line_length: int = LINE_LENGTH,
    progress: Progress | None = None,
) -> GeneratedSDK:
    """Validate, transform, render and format the SDK of a model.

    Args:
        model: A parsed model (`pygen.ir.load_model_file`, `parse_data_models`).
        package: The import name; defaults to `<model>_sdk`.
        line_length: Line length for `ruff format`.
        progress: Called with (views done, views in total) while rendering.

    Returns:
        The files of the package, byte-identical for the same model and options.

    Raises:
        ModelValidationError: The model has errors (each with a code, view and property).
        GenerationError: Formatting failed.
    """
    package = package or default_package(model)
    check(model)
    files = render_python(prepare_python(model), package, progress=progress)
    return GeneratedSDK(
        package,
        format_sources(files, line_length=line_length),
        model_key(model, package, line_length=line_length),
    )


def _manifest(sdk: GeneratedSDK) -> str:
    digests = {path: hash_bytes(text.encode()) for path, text in sorted(sdk.files.items())}
    return (
        json.dumps({"key": sdk.key, "pygen": __version__, "files": digests}, indent=1, sort_keys=True) + "\n"
    )


def read_manifest(package_dir: Path) -> dict[str, Any]:
    """The manifest of a generated package, or an empty dict."""
    try:
        data = json.loads((package_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def is_current(package_dir: Path, key: str) -> bool:
    """Whether the package on disk was generated with this key and no file was touched since."""
    manifest = read_manifest(package_dir)
    files = manifest.get("files")
    if manifest.get("key") != key or not isinstance(files, dict):
        return False
    for path, digest in files.items():
        try:
            if hash_bytes((package_dir / path).read_bytes()) != digest:
                return False
        except OSError:
            return False
    return True


def write_sdk(sdk: GeneratedSDK, output_dir: str | Path) -> WriteReport:
    """Write the package to `output_dir/<package>`, rewriting only what changed.

    A new package is built in a staging directory and renamed into place; an existing one gets
    each changed file written atomically and the files of an earlier generation that are no
    longer generated removed.
    """
    target = Path(output_dir) / sdk.package
    report = WriteReport()
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        with staged_directory(target) as stage:
            for path, text in sdk.files.items():
                (stage / path).parent.mkdir(parents=True, exist_ok=True)
                (stage / path).write_text(text, encoding="utf-8")
            (stage / MANIFEST).write_text(_manifest(sdk), encoding="utf-8")
        report.written = sorted(sdk.files)
        return report
    previous = read_manifest(target).get("files")
    for path, text in sorted(sdk.files.items()):
        current = target / path
        if current.is_file() and current.read_text(encoding="utf-8") == text:
            report.unchanged.append(path)
            continue
        current.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(current, text, durable=False)
        report.written.append(path)
    for path in sorted(previous or {}):
        if path not in sdk.files and (target / path).is_file():
            (target / path).unlink()
            report.removed.append(path)
    atomic_write(target / MANIFEST, _manifest(sdk), durable=False)
    return report


def diff_sdk(sdk: GeneratedSDK, output_dir: str | Path) -> dict[str, str]:
    """Unified diffs between the files on disk and the generated ones (only files that differ).

    A file that would be removed (generated before, not now) shows as a deletion.
    """
    target = Path(output_dir) / sdk.package
    diffs: dict[str, str] = {}
    previous = read_manifest(target).get("files")
    before = previous if isinstance(previous, dict) else {}
    paths = sorted({*sdk.files, *(p for p in before if (target / p).is_file())})
    for path in paths:
        current = target / path
        old = current.read_text(encoding="utf-8") if current.is_file() else ""
        new = sdk.files.get(path, "")
        if old != new:
            lines = difflib.unified_diff(
                old.splitlines(keepends=True),
                new.splitlines(keepends=True),
                f"a/{sdk.package}/{path}",
                f"b/{sdk.package}/{path}",
            )
            diffs[path] = "".join(lines)
    return diffs
