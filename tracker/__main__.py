"""`python -m tracker` runs the `sij` command line."""

from tracker.cli import main

main()
