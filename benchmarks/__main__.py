"""``python -m benchmarks``: issue 15's table (see benchmarks/run.py)."""

import sys

from .run import main

sys.exit(main())
