"""``python -m pyautoload``: the command line, where the `pyautoload` script is not on PATH."""

from pyautoload._cli import main

main()
