"""``python -m pulso`` runs the CLI."""

from pulso.cli import main

main()
