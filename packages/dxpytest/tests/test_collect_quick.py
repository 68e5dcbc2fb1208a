"""The quick entry point: a warm ``--collect-only`` printed before the command line loads."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dxpytest._quick import parse

SUITE = {
    "pytest.ini": "[pytest]\n",
    "tests/test_a.py": "def test_a():\n    pass\n",
    "tests/test_b.py": "import pytest\n\n@pytest.mark.parametrize('x', [1, 2])\ndef test_b(x):\n    pass\n",
}


def _suite(root: Path) -> None:
    (root / ".dxpytest").mkdir()
    for name, text in SUITE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    _age(root, 0)


def _age(root: Path, stamp_s: int) -> None:
    when = time.time() - 3600 + stamp_s
    for base, _dirs, files in os.walk(root):
        for name in files:
            os.utime(os.path.join(base, name), (when, when))
        os.utime(base, (when, when))


def _dx(root: Path, *args: str, quick: bool = True) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DXPYTEST_NO_QUICK": "" if quick else "1"}
    return subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "dxpytest", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        check=False,
    )


def _without_timing(output: str) -> str:
    return output.rsplit(" in ", 1)[0]


@pytest.mark.parametrize(
    "args",
    [
        ("--collect-only", "-p", "no:randomly"),
        ("--co", "--json", "-pno:randomly", "tests"),
        ("--co", "-q", "--ci", "-p", "no:randomly", "-o", "python_functions=test_*", "tests/test_b.py"),
        ("--collect-only", "-p", "no:randomly", "--ignore=tests/test_a.py"),
        ("--co", "-p", "no:randomly", "-W", "ignore::DeprecationWarning", "-Wdefault"),
    ],
)
def test_the_quick_answer_is_the_command_lines_answer(tmp_path: Path, args: tuple[str, ...]) -> None:
    _suite(tmp_path)
    full = _dx(tmp_path, *args, quick=False)
    quick = _dx(tmp_path, *args)
    assert quick.returncode == full.returncode == 0, full.stderr[-2000:]
    assert _without_timing(quick.stdout) == _without_timing(full.stdout)
    assert _answered_quickly(quick)
    assert not _answered_quickly(full)


def _answered_quickly(result: subprocess.CompletedProcess[str]) -> bool:
    """Whether the quick path answered (the command line, click included, was never imported)."""
    imported = _imported(result)
    assert "dxpytest._quick" in imported
    return "click" not in imported


def test_a_changed_suite_is_collected_again(tmp_path: Path) -> None:
    _suite(tmp_path)
    args = ("--collect-only", "-p", "no:randomly")
    before = _dx(tmp_path, *args).stdout
    (tmp_path / "tests" / "test_c.py").write_text("def test_c():\n    pass\n")
    _age(tmp_path, 10)
    changed = _dx(tmp_path, *args)
    assert not _answered_quickly(changed)
    after = changed.stdout
    assert "tests/test_c.py::test_c" in after
    assert "tests/test_c.py::test_c" not in before
    again = _dx(tmp_path, *args)
    assert _answered_quickly(again)
    assert _without_timing(again.stdout) == _without_timing(after)


def test_an_empty_suite_exits_as_pytest_does(tmp_path: Path) -> None:
    _suite(tmp_path)
    args = ("--collect-only", "-p", "no:randomly", "-o", "python_functions=nothing_*")
    assert _dx(tmp_path, *args, quick=False).returncode == 5
    quick = _dx(tmp_path, *args)
    assert quick.returncode == 5
    assert _answered_quickly(quick)


def _imported(result: subprocess.CompletedProcess[str]) -> set[str]:
    return {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "|" in line}


def test_the_quick_answer_imports_no_more_than_the_standard_minimum(tmp_path: Path) -> None:
    _suite(tmp_path)
    args = ("--collect-only", "-p", "no:randomly")
    _dx(tmp_path, *args, quick=False)
    quick = _dx(tmp_path, *args)
    assert _answered_quickly(quick)
    interpreter = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "pass"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    extra = _imported(quick) - _imported(interpreter)
    assert not {
        name for name in extra if name.split(".")[0] in ("pathlib", "typing", "msgpack", "devcore", "re")
    }


def test_a_damaged_answer_is_collected_again_and_repaired(tmp_path: Path) -> None:
    _suite(tmp_path)
    args = ("--collect-only", "-p", "no:randomly")
    expected = _without_timing(_dx(tmp_path, *args, quick=False).stdout)
    (answer,) = (tmp_path / ".dxpytest").glob("collect-*.ids")
    data = answer.read_bytes()
    for damaged in (data[: len(data) // 2], data.replace(b"test_b", b"test_x"), b"", b"DXPA 1 0 0\n"):
        answer.write_bytes(damaged)
        slow = _dx(tmp_path, *args)
        assert not _answered_quickly(slow)
        assert _without_timing(slow.stdout) == expected
        repaired = _dx(tmp_path, *args)
        assert _answered_quickly(repaired)
        assert _without_timing(repaired.stdout) == expected


@pytest.mark.parametrize(
    ("argv", "accepted"),
    [
        (["--collect-only"], True),
        (["--co", "-p", "no:x", "-o", "a=b", "--ignore", "p", "dir"], True),
        (["--co", "--override-ini=a=b", "-oa=b", "-pno:x"], True),
        ([], False),
        (["tests"], False),
        (["--co", "-k", "x"], False),
        (["--co", "-m", "slow"], False),
        (["--co", "--lf"], False),
        (["--co", "tests/test_a.py::test_a"], False),
        (["--co", "tests/*"], False),
        (["--co", "-p"], False),
        (["--co", "--verify-collection"], False),
        (["--co", "--"], False),
        (["--co", "-W", "error", "-Wdefault"], True),
        (["--co", "-W"], False),
    ],
)
def test_only_plain_collect_only_invocations_are_answered(argv: list[str], accepted: bool) -> None:
    assert (parse(argv) is not None) == accepted


@given(
    st.lists(st.sampled_from(["--co", "-p", "-o", "x", "-k", "--json", "a::b", "-", "--ignore", "=", "-q"]))
)
def test_parse_never_fails_on_random_arguments(argv: list[str]) -> None:
    parsed = parse(argv)
    if parsed is not None:
        assert {"--co"} & set(parsed["flags"])
        assert all(not arg.startswith("-") for arg in parsed["args"])
