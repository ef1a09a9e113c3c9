"""``python -m stuntsim`` runs the command line."""

from stuntsim.cli import main

main()
