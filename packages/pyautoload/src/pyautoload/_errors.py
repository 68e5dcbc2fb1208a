"""Errors of pyautoload.

PyautoloadError
"""

from __future__ import annotations


class PyautoloadError(Exception):
    """Base of every error this package raises."""
