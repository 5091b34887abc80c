"""memberkit's benchmarks: ``python -m benchmarks`` prints issue 15's table (run.py).

The older ``bench_*.py`` scripts still run on their own (``python benchmarks/bench_points.py``);
the table reuses their set-ups where they fit (bench_rules' condition, the demo's population).
"""
