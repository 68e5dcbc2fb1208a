from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xtnsmgr import CacheManager, ExtensionConfigError, IndexSettings, Specification, parse_specification
from xtnsmgr._keys import cache_key, interpreter_tag


@pytest.mark.parametrize(
    ("text", "target", "name"),
    [
        ("rich", "rich", "rich"),
        ("Rich_Text >= 1.0 , <2", "rich-text<2,>=1.0", "rich-text"),
        ("pkg[B,a]==1", "pkg[a,b]==1", "pkg"),
        ("pkg ; python_version >= '3'", 'pkg ; python_version >= "3"', "pkg"),
        ("pkg @ https://example.org/pkg-1.0.tar.gz", "pkg @ https://example.org/pkg-1.0.tar.gz", "pkg"),
    ],
)
def test_requirements_are_normalized(text: str, target: str, name: str) -> None:
    spec = parse_specification(text)
    assert spec.kind == "requirement"
    assert spec.target == target
    assert spec.name == name
    assert spec.text == text


def test_urls_and_their_names() -> None:
    spec = parse_specification("https://example.org/dist/My_Pkg-2.0-py3-none-any.whl")
    assert (spec.kind, spec.name) == ("url", "my-pkg")
    assert parse_specification("https://example.org/archive").name is None


def test_local_files_are_absolute_and_content_addressed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wheel = tmp_path / "demo_pkg-1.0-py3-none-any.whl"
    wheel.write_bytes(b"one")
    monkeypatch.chdir(tmp_path)
    spec = parse_specification("./demo_pkg-1.0-py3-none-any.whl")
    assert (spec.kind, spec.name, spec.target) == ("path", "demo-pkg", str(wheel))
    wheel.write_bytes(b"two")
    assert parse_specification(str(wheel)).identity != spec.identity


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "pkg >= = 1",
        "ftp://example.org/x.whl",
        "https:///nohost.whl",
        "./missing-1.0.tar.gz",
        "a b c",
    ],
)
def test_bad_specifications_name_themselves(text: str) -> None:
    with pytest.raises(ExtensionConfigError) as caught:
        parse_specification(text)
    assert caught.value.spec == text


def test_a_directory_is_not_an_archive(tmp_path: Path) -> None:
    with pytest.raises(ExtensionConfigError, match="no such wheel"):
        parse_specification(str(tmp_path))


@given(st.text(max_size=60))
def test_random_text_parses_or_raises_config_error(text: str) -> None:
    outcome: object
    try:
        outcome = parse_specification(text)
    except ExtensionConfigError as error:
        outcome = error
    if isinstance(outcome, ExtensionConfigError):
        assert outcome.spec == text
    else:
        assert isinstance(outcome, Specification)
        assert outcome.kind in {"requirement", "path", "url"}
        assert outcome.identity


@given(
    st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True),
    st.sampled_from(["", ">=1", "==1.0", "<3,>1", "~=1.2"]),
)
def test_normalized_form_is_a_fixed_point(name: str, specifier: str) -> None:
    spec = parse_specification(name + specifier)
    assert parse_specification(spec.target).target == spec.target


@pytest.mark.parametrize(("value", "compiled"), [(None, True), ("0", False), ("off", False), ("1", True)])
def test_bytecode_compilation_is_on_unless_the_environment_turns_it_off(
    monkeypatch: pytest.MonkeyPatch, value: str | None, compiled: bool
) -> None:
    if value is None:
        monkeypatch.delenv("XTNSMGR_COMPILE_BYTECODE", raising=False)
    else:
        monkeypatch.setenv("XTNSMGR_COMPILE_BYTECODE", value)
    assert IndexSettings.from_environment().compile_bytecode is compiled
    assert IndexSettings().compile_bytecode


def test_key_depends_on_requirements_settings_and_constraints() -> None:
    base = IndexSettings()
    key = cache_key(["requirement:a"], base)
    assert len(key) == 32
    assert cache_key(["requirement:a"], IndexSettings()) == key
    assert cache_key(["requirement:a"], IndexSettings(offline=True)) == key
    assert cache_key(["requirement:b"], base) != key
    assert cache_key(["requirement:a"], IndexSettings(index_url="https://x.example/simple")) != key
    assert cache_key(["requirement:a"], IndexSettings(constraints=("b<2",))) != key
    assert cache_key(["requirement:a"], IndexSettings(compile_bytecode=False)) != key


@given(
    st.from_regex(r"[A-Za-z](?:[A-Za-z0-9_-]{0,9}[A-Za-z0-9])?(==1\.[0-9])?", fullmatch=True), st.booleans()
)
def test_a_managers_key_is_the_key_of_its_settings(text: str, no_index: bool) -> None:
    settings = IndexSettings(no_index=no_index, find_links=("/links",))
    manager = CacheManager("/unused-root", settings=settings)
    key = manager.key_of(text)
    assert key == cache_key([parse_specification(text).identity], settings)
    manager.settings = IndexSettings()
    assert manager.key_of(text) == cache_key([parse_specification(text).identity], IndexSettings())


def test_interpreter_tag_is_one_packaging_also_yields() -> None:
    from packaging.tags import sys_tags

    tag = interpreter_tag()
    assert tag in {str(t) for t in sys_tags()}
    interpreter, abi, platform = tag.split("-")
    assert interpreter.startswith(("cp", "pp"))
    assert abi != "none"
    assert platform != "any"


@given(
    st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9._-]{0,6}[A-Za-z0-9])?", fullmatch=True),
    st.lists(
        st.tuples(
            st.sampled_from(["==", "!=", ">=", "<=", "~=", ">", "<"]),
            st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3}){0,2}", fullmatch=True),
        ),
        max_size=3,
    ),
    st.sampled_from(["", " "]),
)
def test_fast_requirement_path_agrees_with_packaging(
    name: str, clauses: list[tuple[str, str]], space: str
) -> None:
    from xtnsmgr._specification import (
        _ARCHIVE_SUFFIXES,
        _parse_full_requirement,
        _parse_simple_requirement,
    )

    text = name + f"{space},{space}".join(f"{op}{space}{version}" for op, version in clauses)
    fast = _parse_simple_requirement(text)
    try:
        full = _parse_full_requirement(text)
    except ExtensionConfigError:
        assert fast is None
        return
    assert fast is None or fast == full
    if not clauses and not name.lower().endswith(_ARCHIVE_SUFFIXES):  # the bare-name shortcut
        assert parse_specification(text) == full


@given(
    st.text(alphabet="aAzZ09-_.", max_size=12)
    | st.from_regex(r"[A-Za-z0-9]+(-[A-Za-z0-9]+){0,3}", fullmatch=True)
)
def test_plain_names_parse_exactly_as_packaging_does(text: str) -> None:
    """Letters, digits and dashes take a shortcut past every parser: it must agree with packaging."""
    from xtnsmgr._specification import _ARCHIVE_SUFFIXES, _parse_full_requirement

    try:
        full: Specification | None = _parse_full_requirement(text)
    except ExtensionConfigError:
        full = None
    try:
        spec: Specification | None = parse_specification(text)
    except ExtensionConfigError:
        spec = None
    if text.lower().endswith(_ARCHIVE_SUFFIXES):  # an archive name is read as a path
        return
    assert spec == full
