"""Time and peak memory of `memberkit validate` on each hostile policy file.

Run: python benchmarks/bench_hostile.py   (issue 2 asks: exit 1 within 2 s and under 200 MB each)
Each file is validated in a fresh process; its peak resident memory is read from getrusage.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

GOLDEN = Path(__file__).resolve().parents[1] / "tests" / "policy" / "golden"
CASES = [
    "billion_laughs",
    "python_tag",
    "duplicate_key",
    "unclosed_bracket",
    "binary",
    "deep_nesting",
]

_PROBE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run([sys.executable, "-m", "memberkit.cli", "validate", sys.argv[1]],
                      capture_output=True, text=True)
elapsed = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"rc": done.returncode, "seconds": elapsed, "peak_mb": peak_kb / 1024,
                  "traceback": "Traceback" in done.stderr, "first": done.stderr.splitlines()[:1]}))
"""


def main() -> int:
    worst = 0.0
    failed = False
    print(f"{'file':<18} {'exit':>4} {'seconds':>8} {'peak MB':>8}  message")
    for name in CASES:
        path = GOLDEN / f"{name}.yaml"
        raw = subprocess.run(
            [sys.executable, "-c", _PROBE, str(path)], capture_output=True, text=True, check=True
        )
        row = json.loads(raw.stdout)
        worst = max(worst, row["seconds"])
        ok = row["rc"] == 1 and row["seconds"] < 2 and row["peak_mb"] < 200 and not row["traceback"]
        failed |= not ok
        first = (row["first"] or [""])[0][:70]
        print(f"{name:<18} {row['rc']:>4} {row['seconds']:>8.3f} {row['peak_mb']:>8.1f}  {first}")
    print(f"slowest: {worst:.3f} s; {'all within limits' if not failed else 'LIMIT EXCEEDED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
