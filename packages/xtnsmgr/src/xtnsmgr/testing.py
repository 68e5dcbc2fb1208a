"""Helpers for testing hosts and extensions: write small, valid wheels without a build backend.

>>> from xtnsmgr.testing import write_wheel
>>> write_wheel(folder, "my-ext", "1.0", {"my_ext/__init__.py": "def register(arguments): ..."})

Point :class:`xtnsmgr.IndexSettings` at the folder (``find_links=(folder,)``, ``no_index=True``)
to install them hermetically.
"""

from __future__ import annotations

import base64
import hashlib
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = ["write_wheel"]


def write_wheel(
    directory: str | Path,
    name: str,
    version: str,
    files: Mapping[str, str | bytes],
    *,
    requires: Sequence[str] = (),
    tag: str = "py3-none-any",
    entry_points: str = "",
) -> Path:
    """Write a wheel with ``METADATA``, ``WHEEL`` and a ``RECORD`` of sha256 digests.

    Args:
        directory: where the ``.whl`` goes (it must exist).
        name: the distribution name.
        version: its version.
        files: relative path -> content of every file outside the ``.dist-info``.
        requires: ``Requires-Dist`` lines.
        tag: the wheel tag, e.g. ``py3-none-win_amd64`` for another platform.
        entry_points: the content of ``entry_points.txt`` (none when empty).

    Returns:
        The wheel's path.
    """
    dist = name.replace("-", "_")
    info = f"{dist}-{version}.dist-info"
    contents: dict[str, bytes] = {path: _bytes(data) for path, data in files.items()}
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    contents[f"{info}/METADATA"] = (metadata + "".join(f"Requires-Dist: {r}\n" for r in requires)).encode()
    contents[f"{info}/WHEEL"] = (
        f"Wheel-Version: 1.0\nGenerator: xtnsmgr.testing\nRoot-Is-Purelib: true\nTag: {tag}\n".encode()
    )
    if entry_points:
        contents[f"{info}/entry_points.txt"] = entry_points.encode()
    record = [f"{path},sha256={_digest(data)},{len(data)}" for path, data in contents.items()]
    contents[f"{info}/RECORD"] = ("\n".join([*record, f"{info}/RECORD,,"]) + "\n").encode()
    wheel = Path(directory) / f"{dist}-{version}-{tag}.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in contents.items():
            archive.writestr(path, data)
    return wheel


def _bytes(data: str | bytes) -> bytes:
    return data.encode() if isinstance(data, str) else data


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
