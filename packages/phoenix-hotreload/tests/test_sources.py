from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phoenix_hotreload import ConfigNotFound, ConfigParseError, ConfigTooLarge, Limits, Source
from phoenix_hotreload._manager import build_sources
from phoenix_hotreload._sources import merge, nest_variables, parse_env_file, profile_variant, read_stable
from phoenix_hotreload._yaml import locate_yaml, parse_yaml

HERE = Path("config.yaml")


def test_yaml_parses_with_the_safe_loader() -> None:
    assert parse_yaml("a: 1\nb: [x, y]\n", HERE) == {"a": 1, "b": ["x", "y"]}
    assert parse_yaml("", HERE) == {}
    with pytest.raises(ConfigParseError):
        parse_yaml("a: !!python/object:os.system {}\n", HERE)


def test_duplicate_keys_are_an_error_in_strict_mode_only() -> None:
    text = "db:\n  port: 1\n  port: 2\n"
    with pytest.raises(ConfigParseError) as caught:
        parse_yaml(text, HERE)
    assert caught.value.line == 3
    assert caught.value.path == HERE
    assert "duplicate key 'port'" in str(caught.value)
    assert parse_yaml(text, HERE, strict=False) == {"db": {"port": 2}}


def test_yaml_merge_keys_are_not_duplicates() -> None:
    text = "base: &b {x: 1}\nchild:\n  <<: *b\n  y: 2\n"
    assert parse_yaml(text, HERE)["child"] == {"x": 1, "y": 2}


def test_a_syntax_error_names_the_line() -> None:
    with pytest.raises(ConfigParseError) as caught:
        parse_yaml("a: 1\nb: [1, 2\nc: 3\n", HERE)
    assert caught.value.line is not None
    assert caught.value.line >= 2


def test_an_alias_bomb_is_over_the_node_cap() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for level in range(1, 9):
        previous = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 10)}]")
    with pytest.raises(ConfigTooLarge):
        parse_yaml("\n".join(lines) + "\n", HERE)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(
        ["yes", "No", "0x1F", "0o17", "1_000", "1:30", "2024-01-02", ".inf", "~", "<<", "=", "010"]
    ),
)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6) | st.integers(), inner, max_size=4)
    ),
    max_leaves=25,
)


@given(data=st.dictionaries(st.text(max_size=6), documents, max_size=6), flow=st.booleans())
def test_yaml_parses_exactly_as_pyyaml_safe_load(data: dict[str, object], flow: bool) -> None:
    import yaml

    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    assert parse_yaml(text, HERE) == yaml.safe_load(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x [1, {b: 2}]\nc: *x\nd: !!set {p, q}\ne: !!binary aGk=\nf: 2001-12-14t21:59:43.10-05:00\n",
        "base: &b {x: 1, y: [1, 2]}\nchild: {<<: *b, y: 3}\nlist: [*b, *b]\nt: !!str 12\nu: !!float 1\n",
        "? [1, 2]\n: complex\n",
        "{a, b: , c: 0b101, d: -.INF, e: 1e3, f: 0o7, g: 190:20:30}\n",
    ],
)
def test_yaml_tags_aliases_and_merges_parse_as_pyyaml_does(text: str) -> None:
    import yaml

    try:
        expected = yaml.safe_load(text)
    except yaml.YAMLError:
        with pytest.raises(ConfigParseError):
            parse_yaml(text, HERE)
    else:
        assert parse_yaml(text, HERE) == expected


def test_aliases_under_the_cap_parse_and_share() -> None:
    data = parse_yaml("base: &b {size: 5}\nx: *b\ny: *b\n", HERE)
    assert data["x"] is data["y"]


def test_the_byte_cap_applies_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 2000 + "\n")
    with pytest.raises(ConfigTooLarge):
        read_stable(big, 1000)
    assert read_stable(tmp_path / "missing.yaml", 1000, required=False) is None
    with pytest.raises(ConfigNotFound):
        read_stable(tmp_path / "missing.yaml", 1000)


def test_locate_yaml_points_at_the_key() -> None:
    text = "server:\n  port: 1\ndb:\n  pool:\n    size: 3\n"
    assert locate_yaml(text, ("db", "pool", "size")) == 5
    assert locate_yaml(text, ("db", "pool", "missing")) == 4
    assert locate_yaml("[", ("a",)) is None


def test_env_files_parse_with_python_dotenv() -> None:
    text = "A=1\nexport B=\"two words\"\n# comment\nC='x'\n"
    assert parse_env_file(text, Path(".env")) == {"A": "1", "B": "two words", "C": "x"}


def test_an_unterminated_quote_is_an_error_with_its_line() -> None:
    with pytest.raises(ConfigParseError) as caught:
        parse_env_file('A=1\nB="open\nC=3\n', Path(".env"))
    assert caught.value.line == 2


def test_variables_nest_on_double_underscore() -> None:
    variables = {"APP_DB__POOL__SIZE": "7", "APP_DEBUG": "true", "OTHER": "x", "APP_": "y"}
    assert nest_variables(variables, "APP_", "__", "env") == {"db": {"pool": {"size": "7"}}, "debug": "true"}
    with pytest.raises(ConfigParseError):
        nest_variables({"APP_DB": "1", "APP_DB__PORT": "2"}, "APP_", "__", "env")


def test_merge_is_deep_and_later_wins() -> None:
    base = {"db": {"host": "a", "port": 1}, "x": [1]}
    assert merge(base, {"db": {"port": 2}, "x": [2]}) == {"db": {"host": "a", "port": 2}, "x": [2]}
    assert base == {"db": {"host": "a", "port": 1}, "x": [1]}


def test_profile_variants() -> None:
    assert profile_variant(Path("/c/app.yaml"), "production") == Path("/c/app.production.yaml")
    assert profile_variant(Path("/c/.env"), "production") == Path("/c/.env.production")


def test_layers_in_declared_precedence(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text("db: {host: a, port: 1}\nname: base\n")
    (tmp_path / "app.production.yaml").write_text("db: {port: 2}\n")
    (tmp_path / ".env").write_text("APP_NAME=from-dotenv\nAPP_DB__HOST=dotenv-host\n")
    (tmp_path / ".env.production").write_text("APP_DB__HOST=prod-host\n")
    sources = build_sources([tmp_path / "app.yaml", tmp_path / ".env"], "production", "APP_")
    assert [s.kind for s in sources] == ["yaml", "yaml", "env-file", "env-file", "environ"]
    merged: dict[str, object] = {}
    environ = {"APP_DB__PORT": "3"}
    for source in sources:
        merged = merge(merged, source.read(Limits(), environ).data)
    assert merged == {"db": {"host": "prod-host", "port": "3"}, "name": "from-dotenv"}


def test_a_top_level_that_is_not_a_mapping_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n")
    with pytest.raises(ConfigParseError, match="mapping"):
        Source("yaml", path).read(Limits())


def test_invalid_utf8_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"a: 1\nb: \xff\n")
    with pytest.raises(ConfigParseError) as caught:
        Source("yaml", path).read(Limits())
    assert caught.value.line == 2


@given(st.text(max_size=200))
def test_random_yaml_text_parses_or_raises_a_config_error(text: str) -> None:
    with contextlib.suppress(ConfigParseError, ConfigTooLarge):
        parse_yaml(text, HERE)


@given(st.text(max_size=200))
def test_random_env_text_parses_or_raises_a_config_error(text: str) -> None:
    values: dict[str, str] = {}
    line: int | None = 0
    try:
        values = parse_env_file(text, Path(".env"))
    except ConfigParseError as error:
        line = error.line
    assert line is not None
    assert all(isinstance(v, str) for v in values.values())
