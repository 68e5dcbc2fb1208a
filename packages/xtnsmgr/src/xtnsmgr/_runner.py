"""``xtnsmgr run``: a child process that sees cache entries *after* its own site-packages."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

PATHS_VARIABLE = "XTNSMGR_RUN_PATHS"

# Imported by the child's `site` after site-packages are in place: append the entries, then hand
# over to the environment's own sitecustomize if it has one.
_SITECUSTOMIZE = """\
import importlib, os, sys
_here = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _here]
_self = sys.modules.pop("sitecustomize")
try:
    importlib.import_module("sitecustomize")
except ImportError:
    sys.modules["sitecustomize"] = _self  # the import system re-reads this key when we return
for _path in os.environ.get("XTNSMGR_RUN_PATHS", "").split(os.pathsep):
    if _path and _path not in sys.path:
        sys.path.append(_path)
"""


def run_with_paths(command: Sequence[str], paths: Sequence[str]) -> int:
    """Run ``command`` with ``paths`` appended to the ``sys.path`` of any Python it starts.

    Returns:
        The command's exit status.
    """
    with tempfile.TemporaryDirectory(prefix="xtnsmgr-run-") as bootstrap:
        Path(bootstrap, "sitecustomize.py").write_text(_SITECUSTOMIZE, encoding="utf-8")
        env = dict(os.environ)
        env[PATHS_VARIABLE] = os.pathsep.join(paths)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (bootstrap, env.get("PYTHONPATH", "")) if p)
        try:
            return subprocess.run(list(command), env=env, check=False).returncode
        except FileNotFoundError:
            return 127
