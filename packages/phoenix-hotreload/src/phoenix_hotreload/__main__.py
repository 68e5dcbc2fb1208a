"""``python -m phoenix_hotreload``: the command line, where the `phoenix-hotreload` script is not on PATH."""

from phoenix_hotreload._cli import main

main()
