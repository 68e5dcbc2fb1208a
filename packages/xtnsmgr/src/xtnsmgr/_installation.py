"""Pure installation: run ``uv pip install --target`` (or ``pip``) into a directory, nothing more.

The cache (``_cachemgr``) decides *where* and *when*; this module only turns requirements into
an installed tree, with a timeout, retries for transient network failures only, and the
installer's own message in the error.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from xtnsmgr._errors import ExtensionInstallationError
from xtnsmgr._settings import IndexSettings

DEFAULT_TIMEOUT_S = 600.0
DEFAULT_CONCURRENCY = 4

_TRANSIENT = re.compile(
    r"(temporary failure in name resolution|name or service not known|connection (refused|reset|aborted)"
    r"|network is unreachable|timed? ?out|error sending request|failed to fetch|could not connect"
    r"|connecterror|readtimeout|remotedisconnected|server error|\b50[0-4]\b|too many requests|\b429\b"
    r"|dns error|tls handshake|proxyerror)",
    re.IGNORECASE,
)
_PERMANENT = re.compile(
    r"(no solution found|not found in the package registry|no matching distribution|was not found in"
    r"|invalid requirement|no such file|is not a supported wheel|hash mismatch|unsatisfiable"
    r"|not compatible with the current platform|none of the wheels|has no usable wheels"
    r"|in --require-hashes mode|failed to parse|requires-python)",
    re.IGNORECASE,
)


@runtime_checkable
class Installer(Protocol):
    """What the cache needs from an installer; inject your own to count or wrap installs."""

    @property
    def name(self) -> str:
        """A short name for messages and metadata, e.g. ``uv 0.5.1``."""
        ...

    def install(self, requirements: Sequence[str], target: Path, settings: IndexSettings) -> None:
        """Install ``requirements`` (and their dependencies) into the empty directory ``target``.

        Raises:
            ExtensionInstallationError: the installer failed (after retries of transient failures).
        """
        ...


def is_transient_failure(output: str) -> bool:
    """Whether an installer's error output looks like a network failure worth retrying.

    A resolution failure, a missing distribution or a bad requirement is permanent even if a
    network word appears in it.
    """
    return _PERMANENT.search(output) is None and _TRANSIENT.search(output) is not None


_FIND_UV_LOCK = threading.Lock()


def find_uv() -> str | None:
    """The ``uv`` binary of the ``uv`` wheel, else one on ``PATH``, else ``None`` (looked up once).

    Under a lock: concurrent ensures reach this together, and the ``uv`` wheel's lookup reads
    :mod:`sysconfig`'s variables, whose first load is not thread-safe before Python 3.13 (a second
    thread saw a half-filled table and ``EXE`` as ``None``).
    """
    with _FIND_UV_LOCK:
        return _find_uv()


@functools.cache
def _find_uv() -> str | None:
    try:
        from uv import find_uv_bin
    except ImportError:
        return shutil.which("uv")
    try:
        return str(find_uv_bin())
    except FileNotFoundError:
        return shutil.which("uv")


@dataclass
class _SubprocessInstaller(ABC):
    timeout_s: float = DEFAULT_TIMEOUT_S
    retries: int = 2
    backoff_s: float = 1.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    attempts: int = field(default=0, init=False)

    @property
    @abstractmethod
    def name(self) -> str:
        """The installer's name, for messages."""

    @abstractmethod
    def command(
        self, requirements: Sequence[str], target: Path, settings: IndexSettings, constraints: Path | None
    ) -> list[str]:
        """The command line that installs ``requirements`` into ``target``."""

    def install(self, requirements: Sequence[str], target: Path, settings: IndexSettings) -> None:
        """Install with retries of transient failures (``retries`` more attempts, doubling backoff)."""
        spec = " ".join(requirements)
        for attempt in range(self.retries + 1):
            try:
                self._install_once(requirements, target, settings, spec)
            except ExtensionInstallationError as error:
                if not error.transient or attempt == self.retries or settings.offline:
                    raise
                _empty_directory(target)
                self.sleep(self.backoff_s * 2**attempt)
            else:
                return

    def _install_once(
        self, requirements: Sequence[str], target: Path, settings: IndexSettings, spec: str
    ) -> None:
        self.attempts += 1
        with contextlib.ExitStack() as scratch:
            constraints = None
            if settings.constraints:  # a temporary folder only when there is something to put in it
                folder = scratch.enter_context(tempfile.TemporaryDirectory(prefix="xtnsmgr-constraints-"))
                constraints = Path(folder) / "constraints.txt"
                constraints.write_text("\n".join(settings.constraints) + "\n", encoding="utf-8")
            command = self.command(requirements, target, settings, constraints)
            returncode, output = _run(command, self.timeout_s)
        if returncode is None:
            raise ExtensionInstallationError(
                spec, f"timed out after {self.timeout_s:g} s", installer=self.name, returncode=None
            )
        if returncode != 0:
            raise ExtensionInstallationError(
                spec,
                output,
                installer=self.name,
                returncode=returncode,
                transient=is_transient_failure(output),
            )


@dataclass
class UvInstaller(_SubprocessInstaller):
    """``uv pip install --python <this interpreter> --target <dir>``.

    Attributes:
        executable: the ``uv`` binary; ``None`` finds the one of the ``uv`` wheel.
        timeout_s: seconds before the install is killed (``XTNSMGR_INSTALL_TIMEOUT_S`` sets the default).
        retries: extra attempts for transient network failures only.
        backoff_s: the first pause between attempts (doubled each time).
    """

    executable: str | None = None

    @property
    def name(self) -> str:
        return "uv"

    def command(
        self, requirements: Sequence[str], target: Path, settings: IndexSettings, constraints: Path | None
    ) -> list[str]:
        """The full command line for these requirements."""
        uv = self.executable or find_uv()
        if uv is None:
            raise ExtensionInstallationError(" ".join(requirements), "uv is not installed", installer="uv")
        command = [uv, "pip", "install", "--python", sys.executable, "--target", str(target)]
        command += ["--quiet", "--no-progress", "--color", "never"]
        if settings.offline:
            command.append("--offline")
        if settings.require_hashes:
            command.append("--require-hashes")
        if settings.compile_bytecode:
            command.append("--compile-bytecode")
        return command + _index_arguments(settings, constraints) + ["--", *requirements]


@dataclass
class PipInstaller(_SubprocessInstaller):
    """``python -m pip install --target <dir>``: the fallback when uv is missing."""

    python: str = field(default=sys.executable)

    @property
    def name(self) -> str:
        return "pip"

    def command(
        self, requirements: Sequence[str], target: Path, settings: IndexSettings, constraints: Path | None
    ) -> list[str]:
        """The full command line for these requirements."""
        command = [self.python, "-m", "pip", "install", "--target", str(target)]
        command += ["--disable-pip-version-check", "--no-input", "--no-warn-script-location", "--quiet"]
        if not settings.compile_bytecode:
            command.append("--no-compile")
        if settings.require_hashes:
            command.append("--require-hashes")
        arguments = _index_arguments(settings, constraints)
        if settings.offline and "--no-index" not in arguments:
            arguments.append("--no-index")
        return command + arguments + ["--", *requirements]


def default_installer(*, timeout_s: float | None = None) -> Installer:
    """uv when its binary is available, else pip.

    Args:
        timeout_s: seconds per attempt; default ``XTNSMGR_INSTALL_TIMEOUT_S`` or 600.
    """
    timeout = timeout_s if timeout_s is not None else _timeout_from_environment()
    if find_uv() is not None:
        return UvInstaller(timeout_s=timeout)
    return PipInstaller(timeout_s=timeout)


async def install_many(
    jobs: Sequence[tuple[Sequence[str], Path]],
    settings: IndexSettings,
    *,
    installer: Installer | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> list[ExtensionInstallationError | None]:
    """Install many requirement sets in parallel, at most ``concurrency`` at a time.

    Args:
        jobs: (requirements, target directory) pairs.
        settings: index settings shared by every job.
        installer: the installer; default :func:`default_installer`.
        concurrency: how many installs run at once.

    Returns:
        One entry per job, in order: ``None`` on success, else the job's error.
    """
    chosen = installer or default_installer()
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(requirements: Sequence[str], target: Path) -> ExtensionInstallationError | None:
        async with gate:
            try:
                await asyncio.to_thread(chosen.install, requirements, target, settings)
            except ExtensionInstallationError as error:
                return error
            return None

    return list(await asyncio.gather(*(one(reqs, target) for reqs, target in jobs)))


def _index_arguments(settings: IndexSettings, constraints: Path | None) -> list[str]:
    arguments: list[str] = []
    if settings.index_url:
        arguments += ["--index-url", settings.index_url]
    for url in settings.extra_index_urls:
        arguments += ["--extra-index-url", url]
    for link in settings.find_links:
        arguments += ["--find-links", link]
    if settings.no_index:
        arguments.append("--no-index")
    if constraints is not None:
        arguments += ["--constraint", str(constraints)]
    return arguments


def _timeout_from_environment() -> float:
    raw = os.environ.get("XTNSMGR_INSTALL_TIMEOUT_S", "")
    try:
        return float(raw) if raw else DEFAULT_TIMEOUT_S
    except ValueError:
        return DEFAULT_TIMEOUT_S


def _run(command: list[str], timeout_s: float) -> tuple[int | None, str]:
    """Run in a new session so a timeout kills the installer and everything it started.

    The timeout is a timer thread, not ``communicate(timeout=...)``, whose final wait polls with
    growing sleeps: a blocking wait returns as soon as the installer exits.
    """
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except OSError as error:
        return 127, f"cannot start {command[0]}: {error}"
    with kill_after(timeout_s, lambda: _signal_group(process)) as expired:
        try:
            out, _ = process.communicate()
        except BaseException:
            _signal_group(process)
            process.communicate()
            raise
    if expired.is_set():
        return None, ""
    return process.returncode, out.decode("utf-8", "replace")


@contextlib.contextmanager
def kill_after(timeout_s: float, kill: Callable[[], None]) -> Iterator[threading.Event]:
    """Call ``kill`` from a timer thread if the block lasts over ``timeout_s``; the event says it did."""
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        kill()

    timer = threading.Timer(timeout_s, expire)
    timer.daemon = True
    timer.start()
    try:
        yield expired
    finally:
        timer.cancel()


def _signal_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        process.kill()


def _empty_directory(path: Path) -> None:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
