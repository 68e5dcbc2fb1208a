from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

SUITE = {
    "pyproject.toml": """
        [tool.pytest.ini_options]
        testpaths = ["tests"]
        markers = ["slow: slow"]
    """,
    "tests/conftest.py": """
        import pytest

        @pytest.fixture(scope="module")
        def shared():
            return {"count": 0}
    """,
    "tests/test_mixed.py": """
        import unittest
        import pytest

        def test_pass(shared):
            shared["count"] += 1

        @pytest.mark.parametrize("x", [1, 2, "three"])
        def test_param(x):
            assert x

        @pytest.mark.skip(reason="not today")
        def test_skip():
            pass

        @pytest.mark.xfail(reason="known")
        def test_xfail():
            assert False

        @pytest.mark.xfail(strict=False)
        def test_xpass():
            pass

        def test_fail():
            assert 1 == 2

        @pytest.fixture
        def broken():
            raise RuntimeError("setup breaks")

        def test_error(broken):
            pass

        class TestGroup:
            @pytest.mark.slow
            def test_one(self):
                pass

            def test_two(self):
                pass

        class Case(unittest.TestCase):
            def test_unit(self):
                self.assertTrue(True)

        def test_subtests(subtests):
            for i in range(3):
                with subtests.test(i=i):
                    assert i != 1
    """,
    "tests/sub/test_more.py": """
        def test_a():
            pass

        def test_b():
            pass
    """,
}


@pytest.fixture
def suite(write_suite: Callable[[dict[str, str]], Path]) -> Path:
    return write_suite(SUITE)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_counts_and_exit_code_match_pytest(runner: Any, suite: Path, workers: str) -> None:
    theirs = runner.pytest(suite)
    ours = runner.dx(suite, "-n", workers)
    assert runner.counts(ours.stdout) == runner.counts(theirs.stdout), ours.stdout + ours.stderr
    assert ours.returncode == theirs.returncode == 1


def test_collect_only_lists_pytests_node_ids(runner: Any, suite: Path) -> None:
    theirs = runner.pytest(suite, "--collect-only", "-q").stdout.split("\n\n")[0].split()
    ours = runner.dx(suite, "--collect-only").stdout.split("\n\n")[0].split()
    assert ours == theirs
    again = runner.dx(suite, "--collect-only").stdout.split("\n\n")[0].split()
    assert again == theirs


def test_selection_by_keyword_mark_and_node_id(runner: Any, suite: Path) -> None:
    for args in (
        ["-k", "param or Group"],
        ["-m", "not slow"],
        ["tests/test_mixed.py::TestGroup"],
        ["tests/sub"],
    ):
        theirs = runner.counts(runner.pytest(suite, *args).stdout)
        assert runner.counts(runner.dx(suite, *args).stdout) == theirs, args


def test_exitfirst_stops_like_pytest(runner: Any, suite: Path) -> None:
    theirs = runner.pytest(suite, "-x")
    ours = runner.dx(suite, "-x", "-n", "1", "--durations", "2")
    assert runner.counts(ours.stdout) == runner.counts(theirs.stdout)
    assert "slowest 2 durations" in ours.stdout


def test_last_failed_runs_only_failures(runner: Any, suite: Path) -> None:
    runner.dx(suite)
    rerun = runner.dx(suite, "--lf", "--json")
    outcome = json.loads(rerun.stdout.strip().splitlines()[-1])
    assert sorted(set(outcome["failed"])) == [
        "tests/test_mixed.py::test_fail",
        "tests/test_mixed.py::test_subtests",
    ]
    assert outcome["counts"]["error"] == 1


def test_shards_partition_the_suite(runner: Any, suite: Path) -> None:
    runner.dx(suite)
    seen: list[str] = []
    for k in (1, 2):
        listed = runner.dx(suite, "--collect-only", "--shard", f"{k}/2").stdout.split("\n\n")[0].split()
        seen.extend(listed)
    everything = runner.dx(suite, "--collect-only").stdout.split("\n\n")[0].split()
    assert sorted(seen) == sorted(everything)


def test_junit_names_match_pytest(runner: Any, suite: Path, tmp_path: Path) -> None:
    runner.pytest(suite, f"--junitxml={tmp_path / 'theirs.xml'}")
    runner.dx(suite, f"--junitxml={tmp_path / 'ours.xml'}")

    def cases(name: str) -> set[tuple[str, str]]:
        root = ET.parse(tmp_path / name).getroot()
        return {(case.get("classname", ""), case.get("name", "")) for case in root.iter("testcase")}

    assert cases("ours.xml") == cases("theirs.xml")


CRASHES = {
    "exit": "import os\n\ndef test_crash():\n    os._exit(3)\n",
    "sigkill": "import os, signal\n\ndef test_crash():\n    os.kill(os.getpid(), signal.SIGKILL)\n",
    "segfault": "import ctypes\n\ndef test_crash():\n    ctypes.string_at(0)\n",
}


@pytest.mark.parametrize("server", [False, True], ids=["zygote", "fork-server"])
@pytest.mark.parametrize(
    ("kind", "workers"), [("exit", "1"), ("exit", "2"), ("sigkill", "2"), ("segfault", "2")]
)
def test_a_crashing_worker_loses_no_other_result(
    runner: Any,
    write_suite: Callable[[dict[str, str]], Path],
    server_env: dict[str, str],
    kind: str,
    workers: str,
    server: bool,
) -> None:
    files = {f"test_ok{i}.py": "def test_a():\n    pass\n\ndef test_b():\n    pass\n" for i in range(3)}
    files["test_boom.py"] = CRASHES[kind]
    root = write_suite(files)
    ours = runner.dx(root, "-n", workers, env=server_env if server else None)
    assert runner.counts(ours.stdout) == {"failed": 1, "passed": 6}, ours.stdout
    assert ours.returncode == 1
    assert "FAILED test_boom.py::test_crash" in ours.stdout
    expected = {"exit": "exited with code 3", "sigkill": "SIGKILL", "segfault": "SIGSEGV"}[kind]
    assert expected in ours.stdout
    assert "running it again once" in ours.stdout
    if kind == "segfault":
        assert "Fatal Python error" in ours.stdout
        assert "test_boom.py" in ours.stdout


@pytest.mark.parametrize("server", [False, True], ids=["zygote", "fork-server"])
def test_sigterm_flushes_results_and_leaves_no_orphans(
    runner: Any,
    write_suite: Callable[[dict[str, str]], Path],
    tmp_path: Path,
    server_env: dict[str, str],
    server: bool,
) -> None:
    marker = tmp_path / "pids"
    root = write_suite(
        {
            "test_fast.py": "def test_fast():\n    pass\n",
            "test_slow.py": f"""
import os, time

def test_slow():
    with open({str(marker)!r}, "a") as f:
        f.write(f"{{os.getpid()}} {{os.getppid()}}\\n")
    time.sleep({runner.hang_guard_s})
""",
        }
    )
    junit = tmp_path / "out.xml"
    with subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dxpytest",
            "--ci",
            "-n",
            "1",
            f"--junitxml={junit}",
            "test_fast.py",
            "test_slow.py",
        ],
        cwd=root,
        env={**os.environ, **(server_env if server else {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:
        deadline = time.monotonic() + runner.hang_guard_s
        while not marker.exists() or not marker.read_text().strip():
            assert time.monotonic() < deadline
            assert process.poll() is None
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        stdout, _ = process.communicate(timeout=runner.hang_guard_s)
    assert process.returncode == 2
    assert "1 passed" in stdout
    assert "Interrupted" in stdout
    names = {case.get("name") for case in ET.parse(junit).getroot().iter("testcase")}
    assert "test_fast" in names
    worker, parent = (int(pid) for pid in marker.read_text().split())
    for pid in (worker,) if server else (worker, parent):  # a fork server outlives the session
        deadline = time.monotonic() + 30
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(pid), f"process {pid} outlived the session"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split(") ")[-1].startswith("Z"))


def test_a_contradicted_index_heals_itself(
    runner: Any, write_suite: Callable[[dict[str, str]], Path]
) -> None:
    root = write_suite(
        {
            "test_trick.py": (
                "import sys\n\ndef test_x():\n    pass\n\ndef test_y():\n    pass\n\n"
                "sys.modules[__name__].__dict__.pop('test_x')\n"
            )
        }
    )
    first = runner.dx(root, "-n", "1")
    assert "test_trick.py::test_x was not found" in first.stdout
    assert runner.counts(first.stdout) == {"passed": 1, "error": 1}
    second = runner.dx(root, "-n", "1")
    assert runner.counts(second.stdout) == runner.counts(runner.pytest(root).stdout) == {"passed": 1}


HOOK_WORK_S = 0.025


def test_a_tests_recorded_cost_counts_pytests_work_outside_its_phases(
    runner: Any, write_suite: Callable[[dict[str, str]], Path]
) -> None:
    """`-n auto` decides from what each test cost its worker, not from its phase durations
    alone: 60 tests of `pass` whose per-test hooks take 25 ms outside the phases (as pytest's
    hooks, reports and logging take their time on a suite of trivial tests) are worth two
    workers on an idle machine, though their phases add up to almost nothing."""
    from dxpytest._collection import prepare
    from dxpytest._index import Item
    from dxpytest._run import SERIAL_BELOW_S, decide_workers, estimate_s

    tests = "".join(f"def test_{n}():\n    pass\n\n" for n in range(30))
    root = write_suite(
        {
            "conftest.py": (
                "import time\n\n\ndef pytest_runtest_logfinish(nodeid, location):\n"
                f"    time.sleep({HOOK_WORK_S})\n"
            ),
            "test_one.py": tests,
            "test_two.py": tests,
        }
    )
    assert runner.counts(runner.dx(root, "-n", "1").stdout) == {"passed": 60}
    results = prepare([], root, [], ["no:randomly"], []).index.results
    estimated = estimate_s([Item(nodeid) for nodeid in results], results)
    # Each test after the first of its batch carries the hook time of the one before it.
    assert estimated >= (60 - 2) * HOOK_WORK_S > SERIAL_BELOW_S
    assert decide_workers("auto", estimated, 2, idle_cores=2.0) == 2


def test_conftests_of_every_argument_stay_visible(
    runner: Any, write_suite: Callable[[dict[str, str]], Path]
) -> None:
    """pytest clears conftests still pending after each collection; a worker collects in batches."""
    files = {}
    for name in ("alpha", "beta"):
        files[f"{name}/tests/conftest.py"] = (
            f"import pytest\n\n@pytest.fixture\ndef {name}_value():\n    return 1\n"
        )
        files[f"{name}/tests/test_{name}.py"] = (
            f"def test_{name}({name}_value):\n    assert {name}_value == 1\n"
        )
    root = write_suite(files)
    ours = runner.dx(root, "-n", "1", "alpha/tests", "beta/tests")
    assert runner.counts(ours.stdout) == {"passed": 2}, ours.stdout


def test_exit_code_five_when_nothing_collected(
    runner: Any, write_suite: Callable[[dict[str, str]], Path]
) -> None:
    root = write_suite({"helper.py": "X = 1\n"})
    assert runner.dx(root).returncode == runner.pytest(root).returncode == 5


def test_usage_error_exits_four_without_traceback(runner: Any, suite: Path) -> None:
    result = runner.dx(suite, "-k", "a and")
    assert result.returncode == 4
    assert "Traceback" not in result.stderr
    assert "ERROR" in result.stderr


def test_a_worker_offers_each_file_to_the_collection_hooks_once_like_pytest(
    runner: Any, write_suite: Callable[[dict[str, str]], Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """pytest would collect a file's directory again for each file a worker is handed, putting
    every entry of it to the collection hooks each time."""
    log = tmp_path_factory.mktemp("hooks") / "offered.log"  # outside the suite: its listing stays
    files = {
        "conftest.py": (
            "def pytest_collect_file(file_path, parent):\n"
            f"    with open({str(log)!r}, 'a') as log:\n"
            "        log.write(file_path.name + '\\n')\n"
        ),
        **{f"tests/test_{n}.py": "def test_a():\n    pass\n\ndef test_b():\n    pass\n" for n in range(6)},
    }
    root = write_suite(files)
    for path in root.rglob("*.py"):  # older than the index, so the second run trusts its entries
        os.utime(path, ns=(path.stat().st_mtime_ns - 10**10,) * 2)
    assert runner.counts(runner.pytest(root).stdout) == {"passed": 12}
    theirs = sorted(log.read_text().split())
    assert runner.counts(runner.dx(root, "-n", "1").stdout) == {"passed": 12}  # writes the index
    log.unlink()
    ours = runner.dx(root, "-n", "1")
    assert runner.counts(ours.stdout) == {"passed": 12}, ours.stdout
    assert sorted(log.read_text().split()) == theirs


def test_files_a_directory_left_out_are_still_collected_when_named(
    runner: Any, write_suite: Callable[[dict[str, str]], Path]
) -> None:
    """A file that is no test file by name, or that a conftest ignores, is collected when it is
    named on the command line, also after its directory was collected for another file."""
    root = write_suite(
        {
            "tests/conftest.py": "collect_ignore = ['test_ignored.py']\n",
            "tests/test_a.py": "def test_a():\n    pass\n",
            "tests/check_b.py": "def test_b():\n    pass\n",
            "tests/test_ignored.py": "def test_c():\n    pass\n",
        }
    )
    args = ("tests/test_a.py", "tests/check_b.py", "tests/test_ignored.py")
    theirs = runner.pytest(root, *args)
    assert runner.counts(theirs.stdout) == {"passed": 3}, theirs.stdout
    for _ in range(2):  # without an index, then with it
        ours = runner.dx(root, "-n", "1", *args)
        assert runner.counts(ours.stdout) == {"passed": 3}, ours.stdout + ours.stderr
        assert ours.returncode == 0
