"""Configuration sources: YAML files, ``.env`` files and prefixed environment variables.

Each source reads into a `Layer` (plain parsed data plus what is needed to point at a line
later); layers merge in the declared order, the later one winning key by key.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from phoenix_hotreload._errors import ConfigNotFound, ConfigParseError, ConfigTooLarge, Problem
from phoenix_hotreload._yaml import locate_yaml, parse_yaml

if TYPE_CHECKING:
    from devcore.hashing import StatKey

SourceKind = Literal["yaml", "env-file", "environ"]


@dataclass(frozen=True)
class Limits:
    """Caps that protect the parser.

    Attributes:
        max_bytes: largest file read, in bytes.
        max_nodes: most YAML nodes with every alias expanded.
        strict: reject duplicate YAML keys.
    """

    max_bytes: int = 4 * 1024 * 1024
    max_nodes: int = 100_000
    strict: bool = True


@dataclass(frozen=True)
class Layer:
    """What one source contributed: its data and the raw text it was parsed from."""

    source: Source
    data: Mapping[str, Any]
    raw: bytes = b""

    def locate(self, field_path: tuple[str, ...]) -> int | None:
        """1-based line where ``field_path`` is set in this layer, when it is a file."""
        text = self.raw.decode("utf-8", errors="replace")
        if self.source.kind == "yaml":
            return locate_yaml(text, field_path)
        if self.source.kind == "env-file":
            wanted = self.source.env_key(field_path)
            for number, line in enumerate(text.splitlines(), start=1):
                stripped = line.strip().removeprefix("export ").lstrip()
                if stripped.split("=", 1)[0].strip().strip("'\"").upper() == wanted:
                    return number
        return None


@dataclass(frozen=True)
class Source:
    """One configuration source.

    Attributes:
        kind: ``"yaml"``, ``"env-file"`` or ``"environ"``.
        path: the file, for file sources.
        required: a missing file is an error (otherwise it contributes nothing).
        prefix: for environment sources, only names starting with it are read
            (``APP_DB__POOL__SIZE`` with prefix ``APP_`` sets ``db.pool.size``).
    """

    kind: SourceKind
    path: Path | None = None
    required: bool = True
    prefix: str = ""
    nested_delimiter: str = field(default="__")

    @property
    def label(self) -> str:
        """How the source is named in messages and version metadata."""
        return str(self.path) if self.path is not None else f"environment ({self.prefix}*)"

    def env_key(self, field_path: tuple[str, ...]) -> str:
        """The environment name that sets ``field_path``."""
        return (self.prefix + self.nested_delimiter.join(field_path)).upper()

    def read(self, limits: Limits, environ: Mapping[str, str] | None = None) -> Layer:
        """Read and parse the source into a layer.

        Raises:
            ConfigNotFound: a required file is missing.
            ConfigParseError: the content does not parse.
            ConfigTooLarge: the file is over a cap.
        """
        if self.kind == "environ":
            variables = os.environ if environ is None else environ
            return Layer(self, nest_variables(variables, self.prefix, self.nested_delimiter, self.label))
        assert self.path is not None
        raw = read_stable(self.path, limits.max_bytes, required=self.required)
        if raw is None:
            return Layer(self, {})
        text = _decode(raw, self.path)
        if self.kind == "yaml":
            data = parse_yaml(text, self.path, strict=limits.strict, max_nodes=limits.max_nodes)
            if not isinstance(data, Mapping):
                kind = type(data).__name__
                raise ConfigParseError(
                    [Problem(f"the top level must be a mapping, not {kind}", path=self.path)]
                )
        else:
            data = nest_variables(
                parse_env_file(text, self.path), self.prefix, self.nested_delimiter, self.label
            )
        return Layer(self, data, raw)


def source_for(path: str | os.PathLike[str], *, required: bool = True, prefix: str = "") -> Source:
    """The source a file name implies: ``*.yaml`` / ``*.yml`` or a ``.env`` file."""
    file = Path(path).absolute()
    kind: SourceKind = "yaml" if file.suffix.lower() in {".yaml", ".yml"} else "env-file"
    return Source(kind, file, required=required, prefix=prefix)


def profile_variant(path: Path, profile: str) -> Path:
    """The profile file layered over ``path``: ``app.yaml`` → ``app.production.yaml``, ``.env`` → ``.env.production``."""
    if path.name.startswith(".env"):
        return path.with_name(f"{path.name}.{profile}")
    return path.with_name(f"{path.stem}.{profile}{path.suffix}")


def read_stable(path: Path, max_bytes: int, *, required: bool = True, attempts: int = 5) -> bytes | None:
    """Read a file whole, retrying while a writer changes it under us.

    Returns:
        The bytes, or ``None`` when the file is missing and not required.
    """
    data = b""
    for _ in range(attempts):
        try:
            with path.open("rb") as handle:
                before = os.fstat(handle.fileno())
                if before.st_size > max_bytes:
                    raise ConfigTooLarge([Problem(f"file is larger than {max_bytes} bytes", path=path)])
                data = handle.read(max_bytes + 1)
                after = os.fstat(handle.fileno())
        except FileNotFoundError:
            if required:
                raise ConfigNotFound(path) from None
            return None
        if len(data) > max_bytes:
            raise ConfigTooLarge([Problem(f"file is larger than {max_bytes} bytes", path=path)])
        unchanged = (before.st_mtime_ns, before.st_size) == (after.st_mtime_ns, after.st_size)
        if unchanged and len(data) == after.st_size:
            return data
    return data


def fingerprints(paths: Iterable[Path]) -> tuple[StatKey | None, ...]:
    """Each file's devcore stat key (inode, size, mtime_ns), ``None`` where missing: equal
    tuples, no change seen."""
    from devcore.hashing import stat_key

    states: list[StatKey | None] = []
    for path in paths:
        try:
            states.append(stat_key(path))
        except OSError:
            states.append(None)
    return tuple(states)


def _decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigParseError([Problem("not valid UTF-8", path=path, line=line)]) from None


def parse_env_file(text: str, path: Path) -> dict[str, str]:
    """Parse a ``.env`` file with python-dotenv; any line it cannot parse is an error.

    Raises:
        ConfigParseError: with the line of the first statement that does not parse
            (an unterminated quote, a stray character).
    """
    from dotenv.parser import parse_stream

    values: dict[str, str] = {}
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            statement = binding.original.string.splitlines()[0] if binding.original.string else ""
            problem = Problem(f".env: cannot parse {statement[:60]!r}", path=path, line=binding.original.line)
            raise ConfigParseError([problem])
        if binding.key is not None and binding.value is not None:
            values[binding.key] = binding.value
    return values


def nest_variables(variables: Mapping[str, str], prefix: str, delimiter: str, label: str) -> dict[str, Any]:
    """Turn ``PREFIX_A__B=v`` names into ``{"a": {"b": "v"}}``; names without the prefix are skipped.

    Raises:
        ConfigParseError: when one name sets a value and another a section at the same path.
    """
    tree: dict[str, Any] = {}
    upper_prefix = prefix.upper()
    for name in sorted(variables):
        if not name.upper().startswith(upper_prefix) or len(name) == len(prefix):
            continue
        segments = [s.lower() for s in name[len(prefix) :].split(delimiter)]
        if not all(segments):
            continue
        node = tree
        for segment in segments[:-1]:
            node = node.setdefault(segment, {})
            if not isinstance(node, dict):
                raise _conflict(label, name, segments, "nests under a value set by another name")
        if isinstance(node.get(segments[-1]), dict):
            raise _conflict(label, name, segments, "sets a value where other names set a section")
        node[segments[-1]] = variables[name]
    return tree


def _conflict(label: str, name: str, segments: list[str], what: str) -> ConfigParseError:
    return ConfigParseError([Problem(f"{label}: {name} {what}", field=".".join(segments))])


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Deep merge: mappings merge key by key, anything else in ``override`` replaces."""
    merged = dict(base)
    for key, value in override.items():
        old = merged.get(key)
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            merged[key] = merge(old, value)
        else:
            merged[key] = value
    return merged
