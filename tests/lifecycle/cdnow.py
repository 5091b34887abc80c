"""The CDNOW 1/10 sample (tests/lifecycle/data), read once, and its published anchors."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from memberkit.lifecycle import MemberSummary, summarise_transactions

DATA = Path(__file__).parent / "data" / "cdnow_sample.csv"
CALIBRATION_END = date(1997, 9, 30)
HOLDOUT_END = date(1998, 6, 30)
BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "gamma": 15.44}


@cache
def rows() -> tuple[tuple[str, date, Decimal], ...]:
    """Every purchase as (customer, date, dollars), ordered by customer then date."""
    with DATA.open(newline="") as f:
        out = [
            (f"{int(r['customer']):05d}", date.fromisoformat(r["date"]), Decimal(r["dollars"]))
            for r in csv.DictReader(f)
        ]
    return tuple(sorted(out, key=lambda r: (r[0], r[1])))


@cache
def summaries() -> tuple[MemberSummary, ...]:
    """The 39-week calibration summaries in weeks, with the 39-week holdout counts."""
    return tuple(
        summarise_transactions(
            rows(), calibration_end=CALIBRATION_END, holdout_end=HOLDOUT_END, unit="weeks"
        )
    )
