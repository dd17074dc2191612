"""`python -m mkbgraph` runs the CLI."""

from mkbgraph.cli.main import main

main()
