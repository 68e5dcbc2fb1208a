"""Circular imports, 32 threads and ``PYAUTOLOAD_LOG=1``, end to end: a real program in a fresh process.

The other suites check each feature in this process; here a program a user could write runs on its
own, with the environment switch set the way a user sets it, and its output is read back.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

TRIALS = int(os.environ.get("PYAUTOLOAD_STRESS_TRIALS", "3"))

TREE = {
    "app/models/user.py": "import app\n\nclass User:\n    mailer = app.services.Mailer\n",
    "app/services/mailer.py": "from app.models import User\n\nclass Mailer:\n    pass\n",
    "app/models/post.py": (
        "import builtins, time\n"
        "builtins.RUNS.append('post')\n"
        "time.sleep(0.02)  # a slow file: the other threads arrive while it runs\n"
        "class Post:\n    pass\n"
    ),
    "app/billing/invoice.py": "from app.models import Post\n\nclass Invoice:\n    post = Post\n",
}

PROGRAM = """\
import builtins, json, sys, threading
builtins.RUNS = []
import pyautoload

loader = pyautoload.Loader()
loader.push_dir(sys.argv[1], namespace="app")
loader.setup()
import app

mode = sys.argv[2]
if mode == "circular":
    try:
        app.models.User
    except pyautoload.CircularImportError as error:
        print(json.dumps({"chain": error.chain, "paths": error.paths, "message": str(error),
                          "is_import_error": isinstance(error, ImportError)}))
elif mode == "threads":
    barrier = threading.Barrier(32)
    results, errors = [], []

    def first_use(index):
        barrier.wait()
        try:
            results.append(app.billing.Invoice.post if index % 2 else app.models.Post)
        except BaseException as error:
            errors.append(repr(error))

    threads = [threading.Thread(target=first_use, args=(i,)) for i in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    print(json.dumps({"results": len(results), "distinct": len({id(r) for r in results}),
                      "errors": errors, "runs": builtins.RUNS}))
else:
    from app.billing import Invoice  # the trigger of the log line below
    print(json.dumps({"invoice": Invoice.__name__}))
"""


def run_program(tmp_path: Path, mode: str, **env: str) -> subprocess.CompletedProcess[str]:
    for relative, content in TREE.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    script = tmp_path / "main.py"
    script.write_text(PROGRAM)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PYAUTOLOAD_")}
    return subprocess.run(
        [sys.executable, str(script), str(tmp_path / "app"), mode],
        capture_output=True,
        text=True,
        env={**clean, **env},
        timeout=300,
        check=True,
    )


def test_a_circular_import_reports_the_chain(tmp_path: Path) -> None:
    data = json.loads(run_program(tmp_path, "circular").stdout)
    assert data["chain"] == ["app.models.User", "app.services.Mailer", "app.models.User"]
    assert data["paths"] == [
        str(tmp_path / "app/models/user.py"),
        str(tmp_path / "app/services/mailer.py"),
        str(tmp_path / "app/models/user.py"),
    ]
    assert data["is_import_error"]
    assert data["message"] == textwrap.dedent(
        f"""\
        pyautoload: circular import while autoloading app.models.User:
          app.models.User ({tmp_path}/app/models/user.py)
          → app.services.Mailer ({tmp_path}/app/services/mailer.py)
          → app.models.User ({tmp_path}/app/models/user.py)  ← needed again before its file finished"""
    )


@pytest.mark.parametrize("trial", range(TRIALS))
def test_32_threads_run_each_file_once(tmp_path: Path, trial: int) -> None:
    data = json.loads(run_program(tmp_path, "threads").stdout)
    assert data["errors"] == []
    assert data["results"] == 32
    assert data["distinct"] == 1  # Post itself, and Invoice.post, are the same class everywhere
    assert data["runs"] == ["post"]


def test_log_environment_switch_traces_each_autoload(tmp_path: Path) -> None:
    done = run_program(tmp_path, "log", PYAUTOLOAD_LOG="1")
    assert json.loads(done.stdout) == {"invoice": "Invoice"}
    lines = done.stderr.splitlines()
    script = tmp_path / "main.py"
    line_of_use = PROGRAM.splitlines().index(
        "    from app.billing import Invoice  # the trigger of the log line below"
    )
    pattern = re.compile(
        r"pyautoload@app: autoloaded (?P<name>\S+) from (?P<file>\S+) in (?P<ms>\d+\.\d\d) ms \((?P<trigger>.+)\)"
    )
    autoloads = {m["name"]: m for m in map(pattern.fullmatch, lines) if m is not None}
    assert set(autoloads) == {"app.billing.Invoice", "app.models.Post"}, lines
    invoice, post = autoloads["app.billing.Invoice"], autoloads["app.models.Post"]
    assert invoice["file"] == str(tmp_path / "app/billing/invoice.py")
    assert invoice["trigger"] == f"{script}:{line_of_use + 1}"
    assert post["trigger"] == f"{tmp_path / 'app/billing/invoice.py'}:1"  # used by the other file
    assert float(post["ms"]) >= 20.0  # the file sleeps 20 ms: the duration is the file's own time
    assert float(invoice["ms"]) >= float(post["ms"])  # it includes the Post it needed
    assert "pyautoload@app: set up 1 root(s)" in lines
