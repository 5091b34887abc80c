"""The service tests import ``memberkit_service`` from ``examples/service``, not an install."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]
