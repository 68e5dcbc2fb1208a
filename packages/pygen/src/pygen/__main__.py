"""``python -m pygen``: the command line, where the `pygen` script is not on PATH."""

from pygen._cli import main

main()
