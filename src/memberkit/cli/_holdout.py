"""``memberkit holdout TRANSACTIONS.csv``: is the purchase model right for this programme?

Reads a transactions table (CSV with the columns ``member``, ``date`` and ``amount``; ``date`` an
ISO date, or an ISO date-time with its offset; rows ordered by member, then time, as
``ORDER BY member_id, placed_at`` gives them), fits the purchase model on the calibration period
and compares the purchases it expects in the holdout period with those made, per calibration
frequency and in total: a table and a chart (``--svg`` writes the chart as an SVG file). It also
prints the ``lifecycle.value`` parameters fitted on the calibration period (purchases and spend).
Exit codes: 0 reported, 1 the data cannot be used, 2 usage.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path as FilePath
from typing import Any, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .._errors import ModelError
from ..lifecycle import (
    MemberSummary,
    PurchaseModel,
    fit_purchases,
    gamma_gamma_fit,
    holdout_report,
    holdout_svg,
    holdout_text,
    summarise_transactions,
)

__all__ = ["add_holdout_parser", "run_holdout"]

OK, FINDINGS, USAGE = 0, 1, 2


def add_holdout_parser(sub: Any) -> None:
    """Register the holdout subcommand."""
    p = sub.add_parser(
        "holdout",
        help="check a purchase model on your own transactions: expected vs actual in a holdout",
    )
    p.add_argument("transactions", metavar="TRANSACTIONS.csv", help="columns member,date,amount")
    p.add_argument(
        "--calibration-end",
        required=True,
        metavar="YYYY-MM-DD",
        help="last day of the calibration period (included)",
    )
    p.add_argument(
        "--holdout-end", required=True, metavar="YYYY-MM-DD", help="last day of the holdout"
    )
    p.add_argument(
        "--unit", choices=("days", "weeks"), default="weeks", help="time unit of the fit"
    )
    p.add_argument(
        "--model",
        choices=("bgnbd", "mbgnbd", "pareto_nbd"),
        default="bgnbd",
        help="purchase model (pareto_nbd fits fast only with the value extra)",
    )
    p.add_argument(
        "--same-day",
        choices=("merge", "keep"),
        default="merge",
        help="merge: the orders of one day are one purchase; keep: each order is one",
    )
    p.add_argument(
        "--timezone", default="UTC", help="the programme's timezone, for rows with times"
    )
    p.add_argument("--penalty", type=float, default=0.0, help="fit penalty (see docs)")
    p.add_argument("--buckets", type=int, default=8, help="frequency buckets (last is N-1+)")
    p.add_argument("--locale", default="en", help="en, zh_Hans or zh_Hant")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    p.add_argument("--svg", metavar="FILE", default=None, help="also write the chart as SVG")


def _rows(path: str) -> Iterator[tuple[str, date | datetime, Decimal]]:
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = {"member", "date", "amount"} - set(reader.fieldnames or ())
        if missing:
            raise ModelError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            text = row["date"].strip()
            try:
                when: date | datetime = (
                    datetime.fromisoformat(text)
                    if "T" in text or " " in text
                    else date.fromisoformat(text)
                )
                amount = Decimal(row["amount"].strip())
            except (ValueError, InvalidOperation) as exc:
                raise ModelError(f"{path}:{line}: {exc}") from None
            yield row["member"], when, amount


def run_holdout(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Fit, check against the holdout, and print; returns the exit code."""
    try:
        calibration_end = date.fromisoformat(args.calibration_end)
        holdout_end = date.fromisoformat(args.holdout_end)
        tz = ZoneInfo(args.timezone)
    except (ValueError, ZoneInfoNotFoundError) as exc:
        err.write(f"memberkit holdout: {exc}\n")
        return USAGE
    if not FilePath(args.transactions).is_file():
        err.write(f"memberkit holdout: cannot read {args.transactions}\n")
        return USAGE
    summaries: list[MemberSummary] = list(
        summarise_transactions(
            _rows(args.transactions),
            calibration_end=calibration_end,
            holdout_end=holdout_end,
            unit=args.unit,
            same_day=args.same_day,
            tz=tz,
        )
    )
    fit = fit_purchases([s.triple for s in summaries], model=args.model, penalty=args.penalty)
    model = PurchaseModel.from_fit(fit, args.unit)
    report = holdout_report(summaries, model, buckets=args.buckets)
    repeaters = [(s.x, s.mean_repeat_amount) for s in summaries if s.mean_repeat_amount]
    spend = gamma_gamma_fit(repeaters, penalty=args.penalty) if repeaters else None
    value = {
        "model": args.model,
        "purchases": {k: round(v, 4) for k, v in fit.parameters.items()},
    }
    if spend is not None:
        value["spend"] = {k: round(getattr(spend, k), 4) for k in ("p", "q", "gamma")}
    if args.svg:
        try:
            FilePath(args.svg).write_text(holdout_svg(report, args.locale), encoding="utf-8")
        except OSError as exc:
            err.write(f"memberkit holdout: cannot write {args.svg}: {exc.strerror or exc}\n")
            return USAGE
    if args.format == "json":
        data = report.as_dict() | {"converged": fit.converged, "value": value}
        out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return OK
    out.write(holdout_text(report, args.locale))
    out.write(
        f"\nlifecycle.value fitted on the calibration period (unit: {args.unit}"
        f"{'' if fit.converged else '; the fit did NOT converge'}):\n"
    )
    out.write(f"  model: {args.model}\n  purchases: {json.dumps(value['purchases'])}\n")
    if "spend" in value:
        out.write(f"  spend: {json.dumps(value['spend'])}\n")
    return OK
