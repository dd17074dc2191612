"""`python -m mkbgraph` runs the CLI."""

from .cli import main

main()
