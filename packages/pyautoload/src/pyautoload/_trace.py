"""Logging sinks and the description of what triggered an autoload.

Nothing here runs unless a loader logs (``loader.log()``, ``Loader(logger=...)`` or
``PYAUTOLOAD_LOG=1``): the autoload path checks one attribute and moves on.
"""

from __future__ import annotations

import _thread
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import FrameType

    Sink = Callable[[str], None]

_HERE = os.path.dirname(os.path.abspath(__file__))
_state = _thread._local()


def to_stderr(message: str) -> None:
    """The sink of ``loader.log()`` and ``PYAUTOLOAD_LOG=1``."""
    print(message, file=sys.stderr, flush=True)


def sink_for(logger: object) -> Sink | None:
    """A sink from a ``logging.Logger``-like object (its ``debug``) or a plain callable."""
    if logger is None:
        return None
    debug = getattr(logger, "debug", None)
    if callable(debug):
        return debug  # type: ignore[no-any-return]
    if callable(logger):
        return logger
    raise TypeError(f"pyautoload: logger must be callable or have a debug() method, got {logger!r}")


def logging_from_environment() -> bool:
    """Whether ``PYAUTOLOAD_LOG`` asks every loader to log to stderr."""
    return os.environ.get("PYAUTOLOAD_LOG", "").strip().lower() in {"1", "true", "yes", "on"}


class reason:
    """Label the autoloads of a block (``eager_load``, ``load_file``) for the log."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.previous: str | None = None

    def __enter__(self) -> None:
        self.previous = getattr(_state, "reason", None)
        _state.reason = self.label

    def __exit__(self, *exc: object) -> None:
        _state.reason = self.previous


def trigger() -> str:
    """Describe what asked for the name being autoloaded: a label, or the first user frame."""
    label: str | None = getattr(_state, "reason", None)
    if label is not None:
        return label
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith(_HERE) and not filename.startswith("<frozen importlib"):
            return f"{filename}:{frame.f_lineno}"
        frame = frame.f_back
    return "unknown"
