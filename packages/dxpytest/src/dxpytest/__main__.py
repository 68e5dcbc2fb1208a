"""``python -m dxpytest``: the command line."""

from dxpytest._cli import main

main()
