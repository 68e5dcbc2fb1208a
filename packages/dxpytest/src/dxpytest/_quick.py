"""The entry point: a warm ``--collect-only`` answered before the command line is loaded.

Listing the tests of an unchanged suite should cost about as much as starting Python. When the
arguments are only ``--collect-only`` (or ``--co``), plain paths, options that the snapshot's
key holds (``-o``, ``-p``, ``-W``, ``--ignore``) and options that do not change the listing
(``--ci``, ``--json``, ``-q``, ``-v``), and a snapshot of the same invocation still holds (see
`dxpytest._snapshot`), the node ids are printed from it as ``dxpytest._run`` prints them. Anything else (another option, a node id or glob, no
snapshot, a changed file) goes to the full command line (`dxpytest._cli.main`), which gives the
same answer the slow way and leaves a snapshot behind.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import IO

from dxpytest import _snapshot

EXIT_OK, EXIT_NO_TESTS = 0, 5  # pytest's exit codes (dxpytest._report; not imported: it is heavier)

COLLECT_ONLY = frozenset({"--collect-only", "--co"})
FLAGS = frozenset({"--ci", "--json", "-q", "-qq", "-v", "-vv", "--quiet", "--verbose", *COLLECT_ONLY})
VALUED = {
    "-o": "overrides",
    "--override-ini": "overrides",
    "-p": "plugins",
    "--ignore": "ignore",
    "-W": "warning_filters",
}


def parse(argv: list[str]) -> dict[str, list[str]] | None:
    """The arguments of a plain collect-only invocation, or None for anything else."""
    parsed: dict[str, list[str]] = {name: [] for name in ("args", "flags", *VALUED.values())}
    tokens = iter(argv)
    for token in tokens:
        if token in FLAGS:
            parsed["flags"].append(token)
        elif token in VALUED:
            value = next(tokens, None)
            if value is None:
                return None
            parsed[VALUED[token]].append(value)
        elif token.startswith("--") and token.partition("=")[0] in VALUED:
            name, _, value = token.partition("=")
            parsed[VALUED[name]].append(value)
        elif token[:2] in ("-o", "-p", "-W") and len(token) > 2:
            parsed[VALUED[token[:2]]].append(token[2:])
        elif token.startswith("-") or "::" in token or any(char in token for char in "*?["):
            return None
        else:
            parsed["args"].append(token)
    return parsed if COLLECT_ONLY & set(parsed["flags"]) else None


def answer(argv: list[str], stream: IO[str], *, start_s: float) -> int | None:
    """Print the collection of a warm invocation and return its exit code, or None."""
    parsed = parse(argv)
    if parsed is None:
        return None
    invocation_dir = Path.cwd()
    args = parsed["args"]
    key = _snapshot.session_key(
        args,
        invocation_dir,
        parsed["overrides"],
        parsed["plugins"],
        parsed["ignore"],
        parsed["warning_filters"],
    )
    outcome = _snapshot.load(key, _snapshot.candidate_directories(args, invocation_dir))
    if outcome is None:
        return None
    nodeids = [str(item[0]) for item in outcome["items"]]
    if "--json" in parsed["flags"]:
        import json

        stream.write(json.dumps({"nodeids": nodeids, "errors": []}) + "\n")
    else:
        stream.write("".join(f"{nodeid}\n" for nodeid in nodeids))
        noun = "test" if len(nodeids) == 1 else "tests"
        stream.write(f"\n{len(nodeids)} {noun} collected in {time.perf_counter() - start_s:.2f}s\n")
    return EXIT_OK if nodeids else EXIT_NO_TESTS


def main() -> None:
    """``dxpytest``: the warm answer when there is one, else the full command line."""
    start_s = time.perf_counter()
    if not os.environ.get("DXPYTEST_NO_QUICK"):
        code = answer(sys.argv[1:], sys.stdout, start_s=start_s)
        if code is not None:
            sys.stdout.flush()
            sys.exit(code)
    from dxpytest._cli import main as command_line

    command_line()
