"""Generated bad configurations: not one may reach the store or a subscriber."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phoenix_hotreload import ChangeEvent, HotReloadManager

# The last line holds a required value, so every proper truncation breaks the config.
VALID = """\
features:
  search: true
server:
  host: localhost
  port: 8080
db:
  url: postgres://db/app
  pool:
    timeout_s: 2.5
    size: 5
"""
LINES = VALID.splitlines(keepends=True)

truncations = st.integers(min_value=0, max_value=len(VALID) - 3).map(lambda cut: ("yaml", VALID[:cut], ""))

syntax_fragments = st.sampled_from(
    [
        "oops: [1, 2\n",
        "oops: {a: 1\n",
        "\tkey: 1\n",
        "- a\nb: 1\n",
        "oops: 'open\n",
        'oops: "open\n',
        "a: b: c\n",
        "%TAG\n",
        "? [\n",
        "*undefined\n",
        "&a [*a]\n",
    ]
)
syntax_errors = st.tuples(st.integers(0, len(LINES)), syntax_fragments).map(
    lambda case: ("yaml", "".join(LINES[: case[0]]) + case[1] + "".join(LINES[case[0] :]), "")
)

not_an_int = st.one_of(
    st.text(alphabet="abcxyz-_ ", min_size=1, max_size=8).map(lambda s: repr(s.strip() or "x")),
    st.just("[1, 2]"),
    st.just("{a: 1}"),
    st.just("1.5"),
    st.just("null"),
)
type_violations = st.tuples(st.sampled_from(["port: 8080", "size: 5"]), not_an_int).map(
    lambda case: ("yaml", VALID.replace(case[0], f"{case[0].split(':')[0]}: {case[1]}"), "")
)
range_violations = st.one_of(
    st.one_of(st.integers(max_value=0), st.integers(min_value=101)).map(
        lambda n: ("yaml", VALID.replace("size: 5", f"size: {n}"), "")
    ),
    st.one_of(st.integers(max_value=0), st.integers(min_value=65_536)).map(
        lambda n: ("yaml", VALID.replace("port: 8080", f"port: {n}"), "")
    ),
)
empty_files = st.sampled_from(["", "\n", "# only a comment\n", "---\n", "   \n\n"]).map(
    lambda text: ("yaml", text, "")
)
duplicate_keys = (
    st.integers(0, len(LINES) - 1)
    .filter(lambda i: ":" in LINES[i])
    .map(lambda i: ("yaml", "".join(LINES[: i + 1]) + LINES[i] + "".join(LINES[i + 1 :]), ""))
)
not_mappings = st.sampled_from(["- 1\n- 2\n", "just a string\n", "42\n", "[a, b]\n"]).map(
    lambda t: ("yaml", t, "")
)
unterminated_env = st.tuples(st.sampled_from(['"', "'"]), st.text(alphabet="abc xyz/:", max_size=10)).map(
    lambda case: ("env", VALID, f"APP_DB__URL={case[0]}{case[1]}\nAPP_OTHER=1\n")
)
bad_env_values = st.sampled_from(["APP_DB__POOL__SIZE=many\n", "APP_SERVER__PORT=-1\n", "APP_DB=flat\n"]).map(
    lambda env: ("env", VALID, env)
)
alias_bombs = st.integers(min_value=7, max_value=9).map(
    lambda depth: (
        "yaml",
        VALID
        + "bomb0: &b0 [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"bomb{i}: &b{i} [{', '.join([f'*b{i - 1}'] * 10)}]\n" for i in range(1, depth)),
        "",
    )
)

bad_configs = st.one_of(
    truncations,
    syntax_errors,
    type_violations,
    range_violations,
    empty_files,
    duplicate_keys,
    not_mappings,
    unterminated_env,
    bad_env_values,
    alias_bombs,
)


def test_no_bad_input_reaches_the_store_or_a_subscriber(
    tmp_path: Path, app_model: type[Any], trial_count: Any
) -> None:
    yaml_path, env_path, history = tmp_path / "app.yaml", tmp_path / ".env", tmp_path / "history"
    yaml_path.write_text(VALID)
    env_path.write_text("")
    events: list[ChangeEvent] = []
    manager = HotReloadManager(
        [yaml_path, env_path],
        model=app_model,
        env_prefix="APP_",
        environ={},
        watch=False,
        history_dir=history,
        max_nodes=50_000,
    )
    manager.start()
    manager.subscribe("", events.append)
    live = manager.snapshot()
    decided: list[str] = []
    examples = trial_count("bad_inputs", 1_000)

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(bad_configs)
    def attempt(case: tuple[str, str, str]) -> None:
        _, yaml_text, env_text = case
        yaml_path.write_text(yaml_text)
        env_path.write_text(env_text)
        info = manager.reload()
        if info is not None:
            assert not info.applied, (yaml_text, env_text)
            assert info.problems
            decided.append(info.status)
        assert manager.snapshot() is live

    attempt()
    manager.stop()
    assert manager.wait_notified(5)
    assert events == []
    assert len(decided) >= examples // 2, "most attempts are new content and recorded as rejected"
    persisted = HotReloadManager(history_dir=history, watch=False, max_versions=10**6).history()
    assert [v.version for v in persisted if v.applied] == [1]


def test_a_good_config_still_applies_after_bad_ones(tmp_path: Path, app_model: type[Any]) -> None:
    path = tmp_path / "app.yaml"
    path.write_text(VALID)
    with HotReloadManager([path], model=app_model, watch=False) as manager:
        for text in ("", "db: [", VALID.replace("size: 5", "size: 500")):
            path.write_text(text)
            info = manager.reload()
            assert info is not None
            assert not info.applied
        path.write_text(VALID.replace("size: 5", "size: 6"))
        info = manager.reload()
        assert info is not None
        assert info.applied
        assert manager.get("db.pool.size") == 6
