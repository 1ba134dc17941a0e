"""newsqa's speed and memory benchmarks, run from the checkout (`make bench`); not part of the package."""
