"""dxpytest in a few seconds: a small suite, collected statically, indexed, then run on warm
forked workers with a crashing test among them."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

SUITE = {
    "pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
    "tests/conftest.py": "import pytest\n\n@pytest.fixture\ndef greeting():\n    return 'hello'\n",
    "tests/test_words.py": (
        "import pytest\n\n"
        "@pytest.mark.parametrize('word', ['a', 'bb', 'é', None])\n"
        "def test_lengths(word):\n    assert word is None or len(word) >= 1\n\n"
        "def test_greeting(greeting):\n    assert greeting == 'hello'\n\n"
        "class TestMaths:\n    def test_add(self):\n        assert 1 + 1 == 2\n\n"
        "    @pytest.mark.xfail(reason='rounding')\n    def test_float(self):\n        assert 0.1 + 0.2 == 0.3\n"
    ),
    "tests/test_crash.py": "import os\n\ndef test_dies():\n    os._exit(7)\n",
}


def dxpytest(root: Path, *args: str) -> str:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "dxpytest", "--ci", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    print(f"$ dxpytest {' '.join(args)}   (exit {result.returncode}, {time.perf_counter() - start:.2f} s)")
    return "\n".join(lines)


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        for name, text in SUITE.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
        print(f"a suite of {len(SUITE) - 1} files in {root}")
        print(dxpytest(root, "--collect-only").split("\n\n")[0])
        print("  ↑ cold: parsed with tree-sitter, no import; the index is now in .dxpytest/")
        print(dxpytest(root, "--collect-only").splitlines()[-1])
        print("  ↑ warm: answered from the index, nothing parsed or imported")
        output = dxpytest(root, "-n", "2")
        print(
            "\n".join(line for line in output.splitlines() if line.startswith(("dxpytest:", "FAILED", "=")))
        )
        print(
            "  ↑ two workers forked from a zygote that imported pytest once; the crashing test was"
            " retried once in a fresh worker, then reported with its exit code; nothing else was lost"
        )


if __name__ == "__main__":
    main()
