"""Errors of pygen-cdf.

PygenError
"""

from __future__ import annotations


class PygenError(Exception):
    """Base of every error this package raises."""
