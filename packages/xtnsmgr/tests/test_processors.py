from __future__ import annotations

import asyncio
import sys
import types
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xtnsmgr import (
    CacheManager,
    ExtensionConfigError,
    ExtensionConflictError,
    ExtensionImportError,
    ExtensionInstallationError,
    ExtensionRegistrationError,
    register_extensions,
    register_extensions_sync,
)
from xtnsmgr.processors import ExtensionConfig, discover_entry_points, parse_extension_configs


@pytest.fixture
def builtin_package() -> Iterator[str]:
    """A host package with one built-in extension, as a real module tree on disk."""
    package = types.ModuleType("xt_host")
    module = types.ModuleType("xt_host.builtin_one")
    module.register = lambda arguments: ("builtin", arguments)  # type: ignore[attr-defined]
    package.__path__ = []
    sys.modules["xt_host"] = package
    sys.modules["xt_host.builtin_one"] = module
    yield "xt_host"
    sys.modules.pop("xt_host", None)
    sys.modules.pop("xt_host.builtin_one", None)


def test_loads_builtin_and_external_extensions(
    manager: CacheManager, installer: Any, builtin_package: str
) -> None:
    report = register_extensions_sync(
        [
            {"name": "builtin_one", "enabled": True, "arguments": {"level": 1}},
            {"name": "xt_alpha", "package": "xt-alpha>=1", "arguments": {"x": 2}},
            {"name": "xt_ns_one", "package": "xt-ns-one", "module": "xt_ns.one", "register": None},
            {"name": "disabled", "package": "xt-foreign", "enabled": False},
        ],
        manager=manager,
        builtin_package=builtin_package,
    )
    assert list(report.loaded) == ["builtin_one", "xt_alpha", "xt_ns_one"]
    assert report.loaded["builtin_one"].result == ("builtin", {"level": 1})
    assert report.loaded["xt_alpha"].result == ("alpha", "base", {"x": 2})
    assert report.loaded["xt_alpha"].installed is not None
    assert report.loaded["xt_ns_one"].module.NAME == "one"
    assert report.failed == {}
    assert sorted(call[0] for call in installer.calls) == ["xt-alpha>=1", "xt-ns-one"]


def test_one_failing_extension_is_reported_and_skipped(manager: CacheManager) -> None:
    report = register_extensions_sync(
        [
            {"name": "xt_foreign", "package": "xt-foreign"},
            {"name": "xt_badreg", "package": "xt-badreg"},
            {"name": "xt_missing_module", "package": "xt-base"},
            {"name": "xt_base", "package": "xt-base"},
            {"name": "xt_alpha", "package": "xt-alpha"},
        ],
        manager=manager,
    )
    assert list(report.loaded) == ["xt_alpha"]
    assert isinstance(report.failed["xt_foreign"], ExtensionInstallationError)
    assert isinstance(report.failed["xt_badreg"], ExtensionRegistrationError)
    assert "missing setting" in str(report.failed["xt_badreg"])
    assert isinstance(report.failed["xt_missing_module"], ExtensionImportError)
    assert isinstance(report.failed["xt_base"], ExtensionRegistrationError), "xt_base has no register()"


def test_version_conflicts_are_named_before_anything_is_imported(manager: CacheManager) -> None:
    config = [
        {"name": "xt_user_one", "package": "xt-user-one"},
        {"name": "xt_user_two", "package": "xt-user-two"},
        {"name": "xt_alpha", "package": "xt-alpha"},
    ]
    with pytest.raises(ExtensionConflictError) as caught:
        register_extensions_sync(config, manager=manager)
    assert caught.value.conflicts == {"xt-lib": {"xt_user_one": "1.0", "xt_user_two": "2.0"}}
    assert "xt-lib" in str(caught.value)
    assert "xt_user_one" in str(caught.value)
    assert not any(name.startswith(("xt_lib", "xt_user", "xt_alpha")) for name in sys.modules)


def test_conflicting_extensions_can_be_skipped_instead(manager: CacheManager) -> None:
    config = [
        {"name": "xt_user_one", "package": "xt-user-one"},
        {"name": "xt_user_two", "package": "xt-user-two"},
        {"name": "xt_alpha", "package": "xt-alpha"},
    ]
    report = register_extensions_sync(config, manager=manager, on_conflict="skip")
    assert list(report.loaded) == ["xt_alpha"]
    assert set(report.failed) == {"xt_user_one", "xt_user_two"}


def test_each_version_lives_in_its_own_entry(manager: CacheManager) -> None:
    one = manager.ensure("xt-user-one")
    two = manager.ensure("xt-user-two")
    assert one.version_of("xt-lib") == "1.0"
    assert two.version_of("xt-lib") == "2.0"
    assert one.key != two.key


def test_entry_points_are_a_second_source(manager: CacheManager) -> None:
    manager.ensure("xt-alpha")
    assert [c.name for c in discover_entry_points("xt.hosts")] == ["alpha-ep"]
    report = asyncio.run(
        register_extensions(
            [{"name": "xt_ns_one", "package": "xt-ns-one", "module": "xt_ns.one", "register": None}],
            manager=manager,
            entry_point_group="xt.hosts",
        )
    )
    assert list(report.loaded) == ["xt_ns_one", "alpha-ep"]
    assert report.loaded["alpha-ep"].result == ("alpha", "base", {})


def test_a_disabled_name_stays_disabled_against_entry_points(manager: CacheManager) -> None:
    manager.ensure("xt-alpha")
    report = register_extensions_sync(
        [{"name": "alpha-ep", "enabled": False}], manager=manager, entry_point_group="xt.hosts"
    )
    assert report.loaded == {}


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("not a mapping", "not a mapping"),
        ({"package": "x"}, "'name'"),
        ({"name": "a", "enabled": "yes"}, "'enabled'"),
        ({"name": "a", "arguments": [1]}, "'arguments'"),
        ({"name": "a", "package": ""}, "'package'"),
        ({"name": "a", "register": "not an identifier"}, "'register'"),
        ({"name": "a", "colour": "red"}, "unknown keys"),
    ],
)
def test_bad_configuration_is_named(item: object, message: str) -> None:
    with pytest.raises(ExtensionConfigError, match=message) as caught:
        parse_extension_configs([{"name": "ok"}, item])  # type: ignore[list-item]
    assert "extensions[1]" in str(caught.value.spec)


def test_duplicate_names_are_rejected() -> None:
    with pytest.raises(ExtensionConfigError, match="twice"):
        parse_extension_configs([{"name": "a"}, ExtensionConfig("a")])


def test_bad_specification_in_configuration_fails_only_that_extension(
    manager: CacheManager, tmp_path: Path
) -> None:
    report = register_extensions_sync(
        [{"name": "broken", "package": "pkg >= = 1"}, {"name": "xt_alpha", "package": "xt-alpha"}],
        manager=manager,
    )
    assert isinstance(report.failed["broken"], ExtensionConfigError)
    assert list(report.loaded) == ["xt_alpha"]


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)
config_items = st.fixed_dictionaries(
    {"name": st.text(max_size=6) | json_like},
    optional={
        "package": st.text(max_size=6) | json_like,
        "enabled": st.booleans() | json_like,
        "arguments": st.dictionaries(st.text(max_size=4), json_like, max_size=2) | json_like,
        "module": st.text(max_size=6) | json_like,
        "register": st.sampled_from(["register", None, "bad name"]) | json_like,
    },
)


@given(st.lists(config_items | json_like, max_size=4))
def test_random_configuration_parses_or_raises_config_error(items: list[Any]) -> None:
    outcome: object
    try:
        outcome = parse_extension_configs(items)
    except ExtensionConfigError as error:
        outcome = error
    if isinstance(outcome, ExtensionConfigError):
        assert outcome.spec
    else:
        assert isinstance(outcome, list)
        assert [config.name for config in outcome] == [item["name"] for item in items]
        assert all(isinstance(config.arguments, Mapping) for config in outcome)
