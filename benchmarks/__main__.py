"""`python -m benchmarks` runs the benchmarks' command line."""

from benchmarks.cli import main

main()
