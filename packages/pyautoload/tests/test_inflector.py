"""Feature 2, inflection (Zeitwerk: test_inflector, test_gem_inflector, test_null_inflector, test_custom_inflector)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyautoload


@pytest.mark.parametrize(
    ("basename", "expected"),
    [
        ("user", "User"),
        ("users_controller", "UsersController"),
        ("html_parser", "HtmlParser"),
        ("point_3d_value", "Point3dValue"),
        ("api_v2", "ApiV2"),
        ("x", "X"),
        ("snake_case_with_many_parts", "SnakeCaseWithManyParts"),
        ("already_CamelCase", "AlreadyCamelcase"),
    ],
)
def test_default_camelize(basename: str, expected: str) -> None:
    assert pyautoload.Inflector().camelize(basename, f"/abs/{basename}.py") == expected


@pytest.mark.parametrize(
    ("basename", "expected"),
    [
        ("html_parser", "HTMLParser"),
        ("api_client", "APIClient"),
        ("json_api", "JsonAPI"),
        ("html", "HTML"),
        ("htmlx_parser", "HtmlxParser"),
    ],
)
def test_acronyms(basename: str, expected: str) -> None:
    inflector = pyautoload.Inflector(acronyms={"HTML", "api"})
    assert inflector.camelize(basename, "/abs") == expected
    assert inflector.acronyms == frozenset({"HTML", "API"})


def test_add_acronyms_later() -> None:
    inflector = pyautoload.Inflector()
    inflector.add_acronyms("SQL")
    assert inflector.camelize("sql_query", "/abs") == "SQLQuery"


def test_inflect_overrides_exact_basenames() -> None:
    inflector = pyautoload.Inflector()
    inflector.inflect({"html_parser": "HTMLParser", "mysql_adapter": "MySQLAdapter"})
    assert inflector.camelize("html_parser", "/abs") == "HTMLParser"
    assert inflector.camelize("mysql_adapter", "/abs") == "MySQLAdapter"
    assert inflector.camelize("html_parser_x", "/abs") == "HtmlParserX"
    assert inflector.overrides == {"html_parser": "HTMLParser", "mysql_adapter": "MySQLAdapter"}


def test_overrides_win_over_acronyms() -> None:
    inflector = pyautoload.Inflector(acronyms={"HTML"}, overrides={"html_parser": "HtmlParser"})
    assert inflector.camelize("html_parser", "/abs") == "HtmlParser"


def test_package_inflector_maps_the_root_version_file(tmp_path: Path) -> None:
    inflector = pyautoload.PackageInflector(tmp_path)
    assert inflector.camelize("version", str(tmp_path / "version.py")) == "VERSION"
    assert inflector.camelize("version", str(tmp_path / "sub" / "version.py")) == "Version"
    assert inflector.camelize("user", str(tmp_path / "user.py")) == "User"


def test_null_inflector_keeps_basenames() -> None:
    inflector = pyautoload.NullInflector()
    assert inflector.camelize("html_parser", "/abs") == "html_parser"
    assert inflector.camelize("User", "/abs") == "User"
    inflector.inflect({"a": "B"})
    assert inflector.camelize("a", "/abs") == "B"


class ByDirectory(pyautoload.Inflector):
    def camelize(self, basename: str, abspath: str) -> str:
        if "/legacy/" in abspath:
            return basename.upper()
        return super().camelize(basename, abspath)


def test_custom_inflector_sees_the_absolute_path(with_files, new_loader) -> None:
    root = with_files(
        {"app/legacy/old_thing.py": "OLD_THING = 1", "app/new_thing.py": "class NewThing: pass"}
    )
    new_loader({root / "app": "app"}, inflector=ByDirectory())
    import app

    assert app.legacy.OLD_THING == 1
    assert app.NewThing.__name__ == "NewThing"


def test_custom_inflector_through_the_loader_attribute(with_files, new_loader) -> None:
    root = with_files({"app/html_parser.py": "class HTMLParser: pass"})
    loader = new_loader({root / "app": "app"}, setup=False)
    loader.inflector.inflect({"html_parser": "HTMLParser"})
    loader.setup()
    import app

    assert app.HTMLParser.__name__ == "HTMLParser"


segments = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
snake_names = st.lists(segments, min_size=1, max_size=5).map("_".join)


@given(snake_names)
def test_camelize_is_an_identifier_without_underscores(basename: str) -> None:
    name = pyautoload.Inflector().camelize(basename, "/abs")
    assert name.isidentifier()
    assert "_" not in name
    assert name[0].isupper()
    assert name.lower() == basename.replace("_", "")


@given(snake_names)
def test_camelize_round_trips_to_snake_case(basename: str) -> None:
    name = pyautoload.Inflector().camelize(basename, "/abs")
    parts, current = [], ""
    for char in name:
        if char.isupper() and current:
            parts.append(current)
            current = ""
        current += char.lower()
    parts.append(current)
    assert "_".join(parts) == basename


@given(st.text(max_size=30))
def test_camelize_never_fails_on_any_text(basename: str) -> None:
    result = pyautoload.Inflector(acronyms={"HTML"}).camelize(basename, "/abs")
    assert isinstance(result, str)
    assert len(result) <= len(basename) + 1


@given(snake_names, st.sets(segments, max_size=3))
def test_acronym_segments_come_out_upper_case(basename: str, acronyms: set[str]) -> None:
    name = pyautoload.Inflector(acronyms=acronyms).camelize(basename, "/abs")
    assert name.lower() == basename.replace("_", "")
    for part in basename.split("_"):
        if part in acronyms:
            assert part.upper() in name
