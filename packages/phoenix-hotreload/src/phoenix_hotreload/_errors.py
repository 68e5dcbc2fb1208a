"""Errors of phoenix-hotreload.

PhoenixError
"""

from __future__ import annotations


class PhoenixError(Exception):
    """Base of every error this package raises."""
