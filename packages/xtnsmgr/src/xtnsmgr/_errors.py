"""Errors of xtnsmgr.

XtnsmgrError
"""

from __future__ import annotations


class XtnsmgrError(Exception):
    """Base of every error this package raises."""
