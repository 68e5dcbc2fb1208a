"""The entry point: a warm ``--collect-only`` answered before the command line is loaded.

Listing the tests of an unchanged suite should cost about as much as starting Python. When the
arguments are only ``--collect-only`` (or ``--co``), plain paths, options that the snapshot's
key holds (``-o``, ``-p``, ``-W``, ``--ignore``) and options that do not change the listing
(``--ci``, ``--json``, ``-q``, ``-v``), and a snapshot of the same invocation still holds (see
`dxpytest._snapshot`), the node ids are printed from its answer as ``dxpytest._run`` prints them. Anything else
(another option, a node id or glob, no snapshot, a changed file) goes to the full command line (`dxpytest._cli.main`), which gives the
same answer the slow way and leaves a snapshot behind.

This module and what it imports stay within the standard library's cheapest modules (no
pathlib, typing or msgpack): on a warm run their imports are most of the time spent.
"""

from __future__ import annotations

import os
import sys
import time

from dxpytest import _snapshot

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO

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


def answer(argv: list[str], stream: BinaryIO, *, start_s: float, encoding: str = "utf-8") -> int | None:
    """Print the collection of a warm invocation to `stream` and return its exit code, or None."""
    parsed = parse(argv)
    if parsed is None:
        return None
    invocation_dir = os.getcwd()
    args = parsed["args"]
    key = _snapshot.session_key(
        args,
        invocation_dir,
        parsed["overrides"],
        parsed["plugins"],
        parsed["ignore"],
        parsed["warning_filters"],
    )
    lines = _snapshot.read_answer(key, _snapshot.candidate_directories(args, invocation_dir))
    if lines is None:
        return None
    count = lines.count(b"\n")
    if "--json" in parsed["flags"]:
        import json

        nodeids = lines.decode("utf-8", "surrogateescape").splitlines()
        stream.write(json.dumps({"nodeids": nodeids, "errors": []}).encode(encoding) + b"\n")
    else:
        if encoding.replace("-", "").lower() != "utf8":
            lines = lines.decode("utf-8", "surrogateescape").encode(encoding, "replace")
        noun = "test" if count == 1 else "tests"
        summary = f"\n{count} {noun} collected in {time.perf_counter() - start_s:.2f}s\n"
        stream.write(lines + summary.encode(encoding))
    return EXIT_OK if count else EXIT_NO_TESTS


def main() -> None:
    """``dxpytest``: the warm answer when there is one, else the full command line."""
    start_s = time.perf_counter()
    if not os.environ.get("DXPYTEST_NO_QUICK"):
        sys.stdout.flush()
        code = answer(sys.argv[1:], sys.stdout.buffer, start_s=start_s, encoding=sys.stdout.encoding)
        if code is not None:
            sys.stdout.buffer.flush()
            sys.exit(code)
    from dxpytest._cli import main as command_line

    command_line()
