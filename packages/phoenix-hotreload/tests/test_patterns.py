from __future__ import annotations

import re

import pytest

from phoenix_hotreload._patterns import compile_pattern, plain_path


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("db", "db.pool.size", True),
        ("db.pool", "db", True),
        ("db.pool", "db.pool.size", True),
        ("db.pool", "db.host", False),
        ("db", "dbx.port", False),
        ("", "anything.at.all", True),
        ("db.*", "db.host", True),
        ("db.*", "db.pool.size", True),
        ("db.*", "db", True),
        ("db.*", "server.port", False),
        ("**.port", "server.port", True),
        ("**.port", "a.b.c.port", True),
        ("**.port", "server.host", False),
        ("*.port", "db.pool.port", False),
        ("server.p?rt", "server.port", True),
        ("re:db\\.(host|port)", "db.port", True),
        ("re:db\\.(host|port)", "db.pool.size", False),
        (re.compile(r".*size"), "db.pool.size", True),
        (re.compile(r".*size"), "db.pool", False),
    ],
)
def test_pattern_matches(pattern: str | re.Pattern[str], path: str, expected: bool) -> None:
    assert compile_pattern(pattern)(path) is expected


def test_plain_path_only_for_hierarchy_patterns() -> None:
    assert plain_path("db.pool") == "db.pool"
    assert plain_path("db.*") is None
    assert plain_path("re:db") is None
    assert plain_path(re.compile("db")) is None
