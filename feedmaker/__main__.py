"""`python -m feedmaker` runs the CLI."""

from .cli import main

main()
