"""Benchmarks (`make bench`): figures and same-run ratios against a baseline.

Each module ``bench/bench_<name>.py`` defines ``run(options) -> list[Result]``. Targets live
here, never in timed tests. Results are printed as a table and written to
``bench/results/latest.json``.
"""
