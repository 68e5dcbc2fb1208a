"""The directory scanner fed random file names: it never fails and only yields valid dotted names."""

from __future__ import annotations

import keyword
import os
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pyautoload
from pyautoload._discover import is_module_name as module_name_rule

name_chars = st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"], exclude_characters="/\\\x00")
basenames = st.text(name_chars, min_size=1, max_size=12).filter(lambda n: n not in {".", ".."})
suffixes = st.sampled_from([".py", ".py", ".txt", "", ".pyc", ".so"])
paths = st.lists(st.tuples(st.lists(basenames, max_size=2), basenames, suffixes), min_size=1, max_size=10)


def is_dotted_name(name: str) -> bool:
    return all(part.isidentifier() for part in name.split("."))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paths)
def test_any_file_names_give_valid_names_or_nothing(tmp_path_factory, entries) -> None:
    root = tmp_path_factory.mktemp("random") / "app"
    root.mkdir()
    written = []
    for dirs, base, suffix in entries:
        path = root.joinpath(*dirs, base + suffix)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.is_dir():
                continue
            path.write_text("")
        except OSError:  # a name the file system refuses, or a file where a directory is wanted
            continue
        written.append(str(path))
    loader = pyautoload.Loader()
    loader.push_dir(root, namespace="app")
    conflict: pyautoload.ConflictError | None = None
    names: dict[str, str] = {}
    try:
        names = loader.all_expected_names()
    except pyautoload.ConflictError as error:  # x.py beside x/__init__.py: a real conflict
        conflict = error
    finally:
        loader.unregister()
    if conflict is not None:
        assert os.path.isfile(conflict.path)
        assert os.path.isfile(conflict.other)
        return
    assert names[str(root)] == "app"
    for path, name in names.items():
        assert is_dotted_name(name), (path, name)
        assert name.startswith("app")
        assert path == str(root) or path.startswith(str(root) + os.sep)
        if os.path.isfile(path):
            assert path.endswith(".py")
            assert is_module_name(os.path.basename(path)[:-3])
            assert not os.path.basename(path).startswith("_")
    for path in written:
        parts = os.path.relpath(path, root).split(os.sep)
        if all(is_module_name(part) for part in parts[:-1]) and path.endswith(".py"):
            stem = parts[-1][:-3]
            if is_module_name(stem) and not stem.startswith("_"):
                assert path in names, path
    assert "app" not in sys.modules


def is_module_name(part: str) -> bool:
    return part.isidentifier() and not keyword.iskeyword(part) and part != "__pycache__"


@settings(max_examples=300)
@given(st.one_of(st.sampled_from([*keyword.kwlist, *keyword.softkwlist, "models", "x1", "_x"]), basenames))
def test_module_name_rule_is_identifier_and_not_keyword(name: str) -> None:
    assert module_name_rule(name) == (name.isidentifier() and not keyword.iskeyword(name))
