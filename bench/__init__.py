"""Benchmarks: ``python -m bench.<topic>``; results appended to bench/RESULTS.md."""
