"""Helpers for testing hosts and extensions: wheels without a build backend and without a network.

>>> from xtnsmgr.testing import write_wheel, wheel_from_installed
>>> write_wheel(folder, "my-ext", "1.0", {"my_ext/__init__.py": "def register(arguments): ..."})
>>> wheel_from_installed(folder, "rich")  # the running environment's rich, packed again as a wheel

Point :class:`xtnsmgr.IndexSettings` at the folder (``find_links=(folder,)``, ``no_index=True``)
to install them hermetically.
"""

from __future__ import annotations

import base64
import hashlib
import sys
import sysconfig
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from importlib import metadata
from pathlib import Path

__all__ = ["wheel_from_installed", "write_wheel"]

_INSTALLER_FILES = frozenset({"INSTALLER", "REQUESTED", "RECORD", "direct_url.json"})


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
    return _zip_wheel(Path(directory) / f"{dist}-{version}-{tag}.whl", contents, info)


def _zip_wheel(wheel: Path, contents: dict[str, bytes], info: str) -> Path:
    """Write ``contents`` as the zip ``wheel``, with a ``RECORD`` of sha256 digests in ``info``."""
    record = [f"{path},sha256={_digest(data)},{len(data)}" for path, data in contents.items()]
    contents[f"{info}/RECORD"] = ("\n".join([*record, f"{info}/RECORD,,"]) + "\n").encode()
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in contents.items():
            archive.writestr(path, data)
    return wheel


def _bytes(data: str | bytes) -> bytes:
    return data.encode() if isinstance(data, str) else data


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def wheel_from_installed(directory: str | Path, name: str) -> Path:
    """Pack a distribution installed in the running environment into a wheel again.

    Meant for hermetic tests that need third-party dependencies without a network or a warm
    installer cache: the files its ``RECORD`` lists are packed with a fresh ``RECORD``, under the
    tags of its ``WHEEL`` file; scripts it brought (not those generated from entry points) go to
    ``.data/scripts``. Bytecode and the installer's own files are left out.

    Args:
        directory: where the ``.whl`` goes (it must exist).
        name: the distribution's name, as installed.

    Returns:
        The wheel's path.

    Raises:
        importlib.metadata.PackageNotFoundError: it is not installed.
        ValueError: it has no ``RECORD`` or ``WHEEL`` file (not installed from a wheel).
    """
    dist = metadata.distribution(name)
    wheel_text = dist.read_text("WHEEL")
    if dist.files is None or wheel_text is None:
        raise ValueError(f"{name} has no RECORD or WHEEL file")
    stem = f"{dist.metadata['Name'].replace('-', '_')}-{dist.version}"
    contents = dict(_installed_files(dist, stem))
    info = next(path.split("/")[0] for path in contents if path.split("/")[0].endswith(".dist-info"))
    return _zip_wheel(Path(directory) / f"{stem}-{_compressed_tag(wheel_text)}.whl", contents, info)


def _installed_files(dist: metadata.Distribution, stem: str) -> Iterator[tuple[str, bytes]]:
    site = Path(str(dist.locate_file(""))).resolve()
    scripts = Path(sysconfig.get_path("scripts")).resolve()
    generated = {ep.name for ep in dist.entry_points if ep.group in ("console_scripts", "gui_scripts")}
    for file in dist.files or ():
        parts = file.parts
        if "__pycache__" in parts or (parts[-1] in _INSTALLER_FILES and parts[0].endswith(".dist-info")):
            continue
        if parts[0] != "..":
            yield file.as_posix(), Path(str(dist.locate_file(file))).read_bytes()
            continue
        where = (site / file).resolve()
        if where.parent == scripts and where.name not in generated:
            yield f"{stem}.data/scripts/{where.name}", where.read_bytes()
        elif where.is_relative_to(Path(sys.prefix).resolve()) and where.parent != scripts:
            yield (
                f"{stem}.data/data/{where.relative_to(Path(sys.prefix).resolve()).as_posix()}",
                where.read_bytes(),
            )


def _compressed_tag(wheel_text: str) -> str:
    """The wheel file name's tag for every ``Tag:`` line (``py2.py3-none-any`` style)."""
    tags = [
        line.split(":", 1)[1].strip().split("-")
        for line in wheel_text.splitlines()
        if line.startswith("Tag:")
    ]
    if not tags:
        return "py3-none-any"
    return "-".join(".".join(dict.fromkeys(tag[i] for tag in tags)) for i in range(3))
