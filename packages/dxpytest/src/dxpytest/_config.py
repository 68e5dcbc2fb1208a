"""The project's pytest configuration, found and read the way pytest does.

Sources, per directory from the arguments upwards: ``pytest.toml``, ``.pytest.toml``,
``pytest.ini``, ``.pytest.ini``, ``pyproject.toml`` (``[tool.pytest]`` native TOML, or
``[tool.pytest.ini_options]``), ``tox.ini`` (``[pytest]``), ``setup.cfg`` (``[tool:pytest]``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dxpytest._errors import ConfigError

DEFAULT_PYTHON_FILES = ("test_*.py", "*_test.py")
DEFAULT_NORECURSEDIRS = ("*.egg", ".*", "_darcs", "build", "CVS", "dist", "node_modules", "venv", "{arch}")
_Loader = Callable[[Path], "dict[str, object] | None"]


@dataclass(frozen=True)
class PytestConfig:
    """The settings discovery needs, with pytest's defaults."""

    rootdir: Path
    inifile: Path | None
    python_files: tuple[str, ...] = DEFAULT_PYTHON_FILES
    python_classes: tuple[str, ...] = ("Test",)
    python_functions: tuple[str, ...] = ("test",)
    testpaths: tuple[str, ...] = ()
    norecursedirs: tuple[str, ...] = DEFAULT_NORECURSEDIRS
    addopts: tuple[str, ...] = ()
    collect_imported_tests: bool = True
    strict_ids: bool = False
    long_str_strategy: str = "short"
    escape_ids: bool = True
    raw: dict[str, object] = field(default_factory=dict, compare=False)

    def key(self) -> tuple[object, ...]:
        """What invalidates discovery results when it changes."""
        return (
            str(self.rootdir),
            str(self.inifile),
            self.python_files,
            self.python_classes,
            self.python_functions,
            self.testpaths,
            self.norecursedirs,
            self.addopts,
            self.collect_imported_tests,
            self.strict_ids,
            self.long_str_strategy,
            self.escape_ids,
        )


def _read_ini(path: Path, section: str) -> dict[str, object] | None:
    import configparser

    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error as error:
        raise ConfigError(f"{path}: {error}", path=path) from error
    if not parser.has_section(section):
        return None
    return dict(parser.items(section))


def _read_toml(path: Path) -> dict[str, object]:
    import tomllib

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: {error}", path=path) from error


def _load_pytest_toml(path: Path) -> dict[str, object] | None:
    table = _read_toml(path).get("pytest", {})
    return dict(table) if isinstance(table, dict) else {}


def _load_pytest_ini(path: Path) -> dict[str, object] | None:
    return _read_ini(path, "pytest") or {}


def _load_pyproject(path: Path) -> dict[str, object] | None:
    tool = _read_toml(path).get("tool", {})
    table = tool.get("pytest", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        return None
    native = {key: value for key, value in table.items() if key != "ini_options"}
    if native:
        return native
    ini = table.get("ini_options")
    return dict(ini) if isinstance(ini, dict) else None


_LOADERS: dict[str, _Loader] = {
    "pytest.toml": _load_pytest_toml,
    ".pytest.toml": _load_pytest_toml,
    "pytest.ini": _load_pytest_ini,
    ".pytest.ini": _load_pytest_ini,
    "pyproject.toml": _load_pyproject,
    "tox.ini": lambda path: _read_ini(path, "pytest"),
    "setup.cfg": lambda path: _read_ini(path, "tool:pytest"),
}


def _locate(directories: Iterable[Path]) -> tuple[Path | None, Path | None, dict[str, object]]:
    pyproject: Path | None = None
    for directory in directories:
        for base in (directory, *directory.parents):
            for name, loader in _LOADERS.items():
                candidate = base / name
                if not candidate.is_file():
                    continue
                if name == "pyproject.toml" and pyproject is None:
                    pyproject = candidate
                values = loader(candidate)
                if values is not None:
                    return base, candidate, values
    if pyproject is not None:
        return pyproject.parent, pyproject, {}
    return None, None, {}


def _common_ancestor(invocation_dir: Path, paths: Iterable[Path]) -> Path:
    ancestor: Path | None = None
    for path in paths:
        if not path.exists():
            continue
        if ancestor is None or path in ancestor.parents:
            ancestor = path
        elif not (ancestor in path.parents or path == ancestor):
            ancestor = Path(os.path.commonpath([path, ancestor]))
    if ancestor is None:
        return invocation_dir
    return ancestor.parent if ancestor.is_file() else ancestor


def argument_path(argument: str, invocation_dir: Path) -> Path:
    """The file system part of a command-line argument (``a/b.py::Test::x`` → ``a/b.py``)."""
    return Path(os.path.abspath(invocation_dir / argument.split("::")[0]))


def _dirs_from_args(args: Sequence[str], invocation_dir: Path) -> list[Path]:
    paths = (argument_path(arg, invocation_dir) for arg in args if not arg.startswith("-"))
    return [path if path.is_dir() else path.parent for path in paths if path.exists()]


def config_candidates(args: Sequence[str], invocation_dir: Path) -> list[Path]:
    """Every file whose existence or content `determine_rootdir` may depend on: the arguments,
    and each configuration file name and ``setup.py`` in their directories and ancestors."""
    arguments = [argument_path(arg, invocation_dir) for arg in args if not arg.startswith("-")]
    starts = {invocation_dir, *_dirs_from_args(args, invocation_dir)}
    starts.add(_common_ancestor(invocation_dir, starts))
    directories = {directory for start in starts for directory in (start, *start.parents)}
    names = (*_LOADERS, "setup.py")
    return [*arguments, *(directory / name for directory in sorted(directories) for name in names)]


def determine_rootdir(
    args: Sequence[str], invocation_dir: Path
) -> tuple[Path, Path | None, dict[str, object]]:
    """Find (rootdir, inifile, raw settings) with pytest's algorithm.

    Args:
        args: Paths and node ids from the command line.
        invocation_dir: The working directory.

    Returns:
        The rootdir, the configuration file (or None) and its raw key/value settings.
    """
    dirs = _dirs_from_args(args, invocation_dir)
    ancestor = _common_ancestor(invocation_dir, dirs)
    rootdir, inifile, values = _locate([ancestor])
    if rootdir is not None:
        return rootdir, inifile, values
    for candidate in (ancestor, *ancestor.parents):
        if (candidate / "setup.py").is_file():
            return candidate, None, {}
    if dirs != [ancestor]:
        rootdir, inifile, values = _locate(dirs)
        if rootdir is not None:
            return rootdir, inifile, values
    rootdir = _common_ancestor(invocation_dir, [invocation_dir, ancestor])
    if rootdir == Path(rootdir.anchor):
        rootdir = ancestor
    return rootdir, None, {}


def _as_args(value: object) -> tuple[str, ...]:
    import shlex

    if isinstance(value, list | tuple):
        return tuple(str(item) for item in value)
    try:
        return tuple(shlex.split(str(value)))
    except ValueError as error:
        raise ConfigError(f"cannot split {value!r}: {error}") from error


def _as_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on", "y", "t"):
        return True
    if text in ("0", "false", "no", "off", "n", "f", ""):
        return False
    raise ConfigError(f"invalid boolean value {value!r}")


def load_config(args: Sequence[str], invocation_dir: Path, overrides: Sequence[str] = ()) -> PytestConfig:
    """Read the pytest configuration that applies to `args` run from `invocation_dir`.

    Args:
        args: Paths and node ids from the command line.
        invocation_dir: The working directory.
        overrides: ``-o name=value`` overrides, as pytest takes them.

    Returns:
        The configuration with pytest's defaults for missing settings.

    Raises:
        ConfigError: A configuration file cannot be parsed or has a bad value.
    """
    rootdir, inifile, values = determine_rootdir(args, invocation_dir)
    values = dict(values)
    for override in overrides:
        name, sep, value = override.partition("=")
        if not sep:
            raise ConfigError(f"-o expects name=value, got {override!r}")
        values[name] = value
    strict = _as_bool(values.get("strict", False))
    strict_ids = values.get("strict_parametrization_ids")
    return PytestConfig(
        rootdir=rootdir,
        inifile=inifile,
        python_files=_as_args(values.get("python_files", DEFAULT_PYTHON_FILES)),
        python_classes=_as_args(values.get("python_classes", ("Test",))),
        python_functions=_as_args(values.get("python_functions", ("test",))),
        testpaths=_as_args(values.get("testpaths", ())),
        norecursedirs=_as_args(values.get("norecursedirs", DEFAULT_NORECURSEDIRS)),
        addopts=_as_args(values.get("addopts", ())),
        collect_imported_tests=_as_bool(values.get("collect_imported_tests", True)),
        strict_ids=strict if strict_ids is None else _as_bool(strict_ids),
        long_str_strategy=str(values.get("parametrize_long_str_id_strategy", "short")),
        escape_ids=not _as_bool(
            values.get("disable_test_id_escaping_and_forfeit_all_rights_to_community_support", False)
        ),
        raw=values,
    )
