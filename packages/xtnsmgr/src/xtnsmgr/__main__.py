"""``python -m xtnsmgr``: the command line, where the `xtnsmgr` script is not on PATH."""

from xtnsmgr._cli import main

main()
