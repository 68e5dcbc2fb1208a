"""Every use dxpytest makes of pytest's private API, in one place, and the versions it fits.

A worker is one pytest session that collects and runs the batches the controller hands it, one
after the other. pytest's public API offers one collection per session, so four private pieces
make the difference: the session's collector caches (``Session._collection_cache`` and the
``path_cache`` argument of ``Session._collect_path``) are kept across batches, so Dir, Package
and Module nodes are built once and their fixtures stay bound to them, and
``Session._collect_one_node`` answers a directory from that cache when it already holds the
batch's paths (``Session._initialpaths``); the fixture manager's
``_pending_conftests`` survives the clear pytest does after each collection, so conftests of
directories a later batch reaches are still bound; ``_pytest.warnings.catch_warnings_for_item``
records collection warnings for batches collected outside pytest's own collection hook;
``KeywordMatcher`` gives the names ``-k`` matches, for files whose items pytest collected; and
``PytestPluginManager._loadconftestmodules`` loads a directory's conftests before its entries
are put to ``pytest_ignore_collect``, as pytest's directory collectors do.
`quiet_terminal` relies on pytest registering no hook for a ``pytest_*`` attribute that is not
a routine.

These were written against, and are tested with, pytest `SUPPORTED_PYTEST` (the range the
package metadata pins). The controller checks the installed version with `check_pytest` before
it starts the workers, so another pytest fails with a clear message instead of a wrong result.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from dxpytest._errors import WorkerError

if TYPE_CHECKING:
    from pathlib import Path

SUPPORTED_PYTEST = ((9, 2), (9, 3))


def unsupported_pytest(version: str) -> str | None:
    """Why pytest `version` cannot drive dxpytest's workers, or None when it can."""
    low, high = SUPPORTED_PYTEST
    try:
        release = tuple(int(part) for part in version.split(".")[:2])
    except ValueError:
        release = ()
    if len(release) == 2 and low <= release < high:
        return None
    return (
        f"dxpytest's workers support pytest >={low[0]}.{low[1]},<{high[0]}.{high[1]}, "
        f"this environment has pytest {version}; install a supported pytest, "
        "or run the suite with `dxpytest --pytest` (plain pytest)"
    )


def check_pytest() -> None:
    """Refuse to start workers on a pytest version outside `SUPPORTED_PYTEST`.

    Raises:
        WorkerError: The installed pytest is not supported (or not installed).
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = version("pytest")
    except PackageNotFoundError:
        installed = "(not installed)"
    problem = unsupported_pytest(installed)
    if problem is not None:
        raise WorkerError(problem)


def keyword_names(item: Any) -> list[str]:
    """The names ``-k`` matches for a collected item, sorted."""
    from _pytest.mark import KeywordMatcher

    return sorted(KeywordMatcher.from_item(item)._names)


@contextlib.contextmanager
def collection_warnings(session: Any) -> Iterator[None]:
    """Record warnings raised while a batch is collected, as pytest's collection does."""
    from _pytest.warnings import catch_warnings_for_item

    with catch_warnings_for_item(config=session.config, ihook=session.config.hook, when="collect", item=None):
        yield


def ignored_by_hooks(session: Any, path: str, below: str) -> bool | None:
    """Whether pytest's walk from `below` would leave out `path`: each path from `below`
    (excluded) down to `path` is put to ``pytest_ignore_collect`` with the conftests of its
    directory loaded, as pytest's Dir and Package collectors do. None when that cannot be
    asked (a conftest fails to import: collecting the path reports the error).
    """
    from pathlib import Path

    config = session.config
    manager = config.pluginmanager
    current = Path(below)
    try:
        for part in Path(path).relative_to(current).parts:
            manager._loadconftestmodules(
                current,
                config.getoption("importmode"),
                rootpath=config.rootpath,
                consider_namespace_packages=config.getini("consider_namespace_packages"),
            )
            hooks = session.gethookproxy(current)
            current = current / part
            if hooks.pytest_ignore_collect(collection_path=current, config=config):
                return True
    except Exception:  # pytest reports it when it collects the path
        return None
    return False


def keep_collection_nodes(session: Any) -> None:
    """Make the session reuse its collector nodes and pending conftests across batches."""
    from _pytest.nodes import Directory

    collection_cache: dict[Any, Any] = {}
    path_cache: dict[Any, Any] = {}
    base = type(session)

    class WorkerSession(base):  # type: ignore[valid-type, misc]
        @property
        def _collection_cache(self) -> dict[Any, Any]:
            return collection_cache

        @_collection_cache.setter
        def _collection_cache(self, value: dict[Any, Any]) -> None:
            return

        def _collect_path(self, path: Any, _path_cache: dict[Any, Any]) -> Any:
            return base._collect_path(self, path, path_cache)

        def _collect_one_node(self, node: Any, handle_dupes: bool = True) -> Any:
            # pytest collects a file's directory again for each file argument (every entry
            # put to the ignore and collect-file hooks: quadratic in the directory's size
            # over a worker's batches); the kept report serves while it has the batch's paths.
            report = collection_cache.get(node) if isinstance(node, Directory) else None
            if report is not None and report.passed and _holds(node.path, report.result, self._initialpaths):
                return report, True
            return base._collect_one_node(self, node, handle_dupes)

    session.__class__ = WorkerSession
    manager = session._fixturemanager
    if isinstance(getattr(manager, "_pending_conftests", None), dict):
        manager._pending_conftests = _KeptOnClear(manager._pending_conftests)


def _holds(directory: Path, children: list[Any], paths: frozenset[Path]) -> bool:
    """Whether `children` (a directory's collected nodes) include the entry leading to each
    of `paths` that lies below `directory`: an entry pytest ignored, or a file it skipped as
    not a test file, is collected only when it is a path of the batch."""
    present = {child.path for child in children}
    for path in paths:
        if directory in path.parents and directory / path.relative_to(directory).parts[0] not in present:
            return False
    return True


class _KeptOnClear(dict[Any, Any]):
    """A dict whose ``clear()`` keeps its entries (see `keep_collection_nodes`)."""

    def clear(self) -> None:
        return


def quiet_terminal(config: Any) -> None:
    """Stop pytest's terminal reporter from handling each test: a worker's output goes nowhere
    (the controller prints the results), yet the reporter would compute every report's status a
    second time and format its progress. It stays registered for the plugins that look it up.
    Shadowing a hook method with a non-routine attribute makes pytest register no hook for it."""
    manager = config.pluginmanager
    reporter = manager.get_plugin("terminalreporter")
    if reporter is None:
        return
    manager.unregister(reporter)
    reporter.pytest_runtest_logstart = None
    reporter.pytest_runtest_logreport = None
    manager.register(reporter, "terminalreporter")
