"""The import smoke test: a fresh interpreter, started while the installer runs, imports the staged tree.

Starting ``python -I -S`` costs tens of milliseconds; started beside the installer, that time is
hidden behind the install. Once the tree is in place the interpreter is handed the staged
directory and the top-level modules on its standard input and imports each while the cache
checks the tree against its ``RECORD`` files; it reports the first failure (the module and the
exception). It never touches the host process. The interpreter (isolated, ``-I``) writes the
``.pyc`` files of what it imports into the staged tree, so the host's first import does not
compile them again. With ``compile_bytecode`` it also compiles every other module of the tree,
as ``uv --compile-bytecode`` would, beside a second interpreter compiling from the other end:
the import compiles exactly what it executes, once, and the two cores share the rest. A ``.pyc``
the wheel shipped is kept only where the import system would load it as it is (a stale or corrupt
one is rewritten, as uv's ``compileall`` rewrites it), so the host's first import does not
compile it again and write into the published entry.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType

from xtnsmgr._errors import ExtensionInstallationError

SMOKE_TIMEOUT_S = 120.0
COMPILE_TIMEOUT_S = 600.0  # added when compiling: the installer's step had the install's timeout

# The child: read the staged directory, then module names up to an empty line; honour .pth path
# lines as the host does (import lines are never executed); import each module and require real
# code behind it (a half-linked package imports as an empty namespace package). Exit 3 names the
# failure. Given a direction ("forward" or "backward" after -c), it then compiles every .py file of
# the tree whose .pyc the import system would not load as it is, in that order, with the import
# system's own loader (what an import writes: timestamp-checked, this interpreter's optimization
# level; hash-checked again where it replaces a stale hash-checked file); a file that does not
# compile stays source, as with uv. Usually there is no .pyc yet (one failed os.open), or it is that
# of a module imported here (the import checked or wrote it: a set lookup); one that the wheel
# shipped or the other interpreter wrote is checked by its 16-byte header with the import system's
# own checks: magic number, flags, then the source's mtime and size (uv's compileall checks the
# mtime alone) or, hash-based, the source's hash where an import checks it.
# It leaves with os._exit: the .pyc files are written by then, and tearing down what it imported
# would only keep the installer waiting. __import__, not importlib: importing importlib alone
# costs milliseconds on the critical path.
_CHILD = """\
import os, sys
site = sys.stdin.readline().rstrip("\\n")
names = []
while site:
    line = sys.stdin.readline()
    if not line.strip():
        break
    names.append(line.strip())
if not site or not line:
    os._exit(4)  # the caller went away (end of input before the empty line): nothing to test
sys.path.append(site)
for pth in sorted(os.listdir(site)):
    if pth.endswith(".pth") and not pth.startswith("."):
        with open(os.path.join(site, pth), encoding="utf-8-sig", errors="replace") as lines:
            for line in lines:
                line = line.rstrip()
                if line and not line.startswith(("#", "import ", "import\\t")):
                    path = os.path.abspath(os.path.join(site, line))
                    if os.path.isdir(path) and path not in sys.path:
                        sys.path.append(path)
for name in names:
    try:
        __import__(name)
        if getattr(sys.modules[name], "__file__", None) is None:
            raise ImportError("no code: it imports as an empty namespace package")
    except BaseException as error:
        sys.stderr.write(name + "\\n" + type(error).__name__ + ": " + str(error) + "\\n")
        sys.stderr.flush()
        os._exit(3)
if sys.argv[1:]:
    external = sys.modules["_frozen_importlib_external"]
    def loadable(pyc, source):
        try:
            descriptor = os.open(pyc, os.O_RDONLY)
        except OSError:
            return False
        try:
            header = os.read(descriptor, 16)
        except OSError:
            return False
        finally:
            os.close(descriptor)
        try:
            flags = external._classify_pyc(header, source, {})
            if not flags & 1:
                stat = os.stat(source)
                external._validate_timestamp_pyc(header, int(stat.st_mtime), stat.st_size, source, {})
            elif external._imp.check_hash_based_pycs != "never" and (
                flags & 2 or external._imp.check_hash_based_pycs == "always"
            ):
                with open(source, "rb") as file:
                    digest = external._imp.source_hash(external._RAW_MAGIC_NUMBER, file.read())
                external._validate_hash_pyc(header, digest, source, {})
        except (ImportError, EOFError):
            return False
        return True
    imported = {getattr(module, "__cached__", None) for module in list(sys.modules.values())}
    sources = []
    for folder, folders, files in os.walk(site):
        folders[:] = sorted(entry for entry in folders if entry != "__pycache__")
        sources += [os.path.join(folder, file) for file in sorted(files) if file.endswith(".py")]
    if sys.argv[1] == "backward":
        sources.reverse()
    for source in sources:
        try:
            pyc = external.cache_from_source(source)
            if pyc not in imported and not loadable(pyc, source):
                external.SourceFileLoader("-", source).get_code("-")  # compiles and writes the .pyc
        except Exception:
            pass
sys.stderr.flush()
os._exit(0)
"""


def compiles_as_the_installer(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the smoke interpreters write the ``.pyc`` files an installer's compile step would.

    They write timestamp-checked files, as ``compileall`` (uv's and pip's compile step) does
    unless ``SOURCE_DATE_EPOCH`` or uv's ``PYC_INVALIDATION_MODE`` asks for hash-checked ones.
    """
    mode = environ.get("PYC_INVALIDATION_MODE")
    return not environ.get("SOURCE_DATE_EPOCH") if mode is None else mode == "TIMESTAMP"


class SmokeInterpreter:
    """A fresh interpreter waiting on its standard input for a staged tree to import.

    Use it as a context manager around the install: it is started on entry, and killed on exit
    if :meth:`check` was not reached (the install failed). With ``compile_bytecode`` it compiles
    the rest of the tree after its imports, and a second interpreter, started with it, compiles
    the tree from the other end meanwhile; handed no modules, the two only compile.
    """

    def __init__(self, *, timeout_s: float | None = None, compile_bytecode: bool = False) -> None:
        self.timeout_s = timeout_s or SMOKE_TIMEOUT_S + (COMPILE_TIMEOUT_S if compile_bytecode else 0)
        self.compile_bytecode = compile_bytecode
        self._process: subprocess.Popen[str] | None = None
        self._compiler: subprocess.Popen[str] | None = None
        self._spawner: threading.Thread | None = None
        self._spawn_error: OSError | None = None
        self._names: list[str] = []

    def __enter__(self) -> SmokeInterpreter:
        # Spawned from a thread: the fork and exec of a large host process take milliseconds
        # that the caller spends starting the installer instead.
        self._spawner = threading.Thread(target=self._spawn, name="xtnsmgr-smoke", daemon=True)
        self._spawner.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._join()
        for process in (self._process, self._compiler):
            if process is not None:
                _end(process)
        self._process = self._compiler = None

    def _spawn(self) -> None:
        try:
            self._process = _interpreter("forward" if self.compile_bytecode else None, subprocess.PIPE)
            if self.compile_bytecode:  # its report is the .pyc files it leaves, nothing to read
                self._compiler = _interpreter("backward", subprocess.DEVNULL)
        except OSError as error:
            self._spawn_error = error

    def _join(self) -> None:
        spawner, self._spawner = self._spawner, None
        if spawner is not None:
            spawner.join()

    def start(self, site: Path, modules: Iterable[str]) -> None:
        """Hand the interpreter the staged tree and the modules to import; it starts at once."""
        process = self._running()
        self._names = sorted(modules)
        _request(process, f"{site}\n" + "".join(f"{name}\n" for name in self._names) + "\n")
        if self._compiler is not None:
            _request(self._compiler, f"{site}\n\n")

    def wait(self, *, spec: str) -> None:
        """Wait for the imports handed over by :meth:`start` (and, compiling, for every ``.pyc`` file).

        Raises:
            ExtensionInstallationError: a module failed to import (its name and the exception are
                in the message, the child's report in ``.output``), or the test timed out.
        """
        from xtnsmgr._installation import kill_after

        process, compiler = self._running(), self._compiler
        with kill_after(self.timeout_s, self._kill) as expired:  # a blocking wait: no polling
            _, report = process.communicate()
            if compiler is not None and process.returncode == 0:
                compiler.communicate()  # the importing one compiled what was left: a file at most
                self._compiler = None
        self._process = None
        if expired.is_set():
            what = (
                "import smoke test and bytecode compilation" if self.compile_bytecode else "import smoke test"
            )
            raise ExtensionInstallationError(
                spec, f"{what} timed out after {self.timeout_s:g} s", installer="smoke test"
            )
        if process.returncode != 0:
            module, _, reason = report.strip().partition("\n")
            if process.returncode != 3 or not reason:
                module, reason = " ".join(self._names), report.strip() or f"exit {process.returncode}"
            raise ExtensionInstallationError(
                spec,
                f"import smoke test failed: importing {module} raised {reason.splitlines()[-1]}",
                installer="smoke test",
                returncode=process.returncode,
            )

    def _kill(self) -> None:
        for process in (self._process, self._compiler):
            if process is not None:
                process.kill()

    def check(self, site: Path, modules: Iterable[str], *, spec: str) -> None:
        """:meth:`start`, then :meth:`wait`."""
        self.start(site, modules)
        self.wait(spec=spec)

    def _running(self) -> subprocess.Popen[str]:
        self._join()
        if self._spawn_error is not None:
            raise ExtensionInstallationError(
                " ".join(self._names),
                f"cannot start the smoke interpreter: {self._spawn_error}",
                installer="smoke test",
            )
        if self._process is None:
            raise RuntimeError("SmokeInterpreter used outside its context, or waited for twice")
        return self._process


def _interpreter(compile_direction: str | None, stderr: int) -> subprocess.Popen[str]:
    arguments = [] if compile_direction is None else [compile_direction]
    return subprocess.Popen(
        [sys.executable, "-I", "-S", "-c", _CHILD, *arguments],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        text=True,
        encoding="utf-8",
        errors="replace",
    )


def _end(process: subprocess.Popen[str]) -> None:
    """Kill it if it still runs, reap it and close its pipes."""
    if process.poll() is None:
        process.kill()
    process.wait()
    for pipe in (process.stdin, process.stderr):
        if pipe is not None:
            with contextlib.suppress(OSError):  # an unread request to a dead process
                pipe.close()


def _request(process: subprocess.Popen[str], text: str) -> None:
    assert process.stdin is not None
    try:  # the empty line ends the request; communicate() or close() at the end closes the pipe
        process.stdin.write(text)
        process.stdin.flush()
    except BrokenPipeError:
        pass  # it died early: wait() reports how
