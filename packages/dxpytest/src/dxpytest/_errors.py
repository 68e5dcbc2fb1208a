"""Errors of dxpytest.

DxpytestError
"""

from __future__ import annotations


class DxpytestError(Exception):
    """Base of every error this package raises."""
