"""``python -m dxpytest``: the command line (a warm ``--collect-only`` answered first)."""

from dxpytest._quick import main

main()
