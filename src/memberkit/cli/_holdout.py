"""``memberkit holdout TRANSACTIONS.csv``: is the purchase model right for this programme?

Reads a transactions table (CSV with the columns ``member``, ``date`` and ``amount``; ``date`` an
ISO date, or an ISO date-time with its offset; rows ordered by member, then time, as
``ORDER BY member_id, placed_at`` gives them), fits the purchase model on the calibration period
and compares the purchases it expects in the holdout period with those made, per calibration
frequency and in total: a table and a chart (``--svg`` writes the chart as an SVG file). It also
prints the ``lifecycle.value`` parameters fitted on the calibration period (purchases and spend).
With ``--policy`` the time unit, the same-day rule, the purchase model, the timezone and the
locale are the policy's (``lifecycle.summary``, ``lifecycle.value.model``, ``program``); an
option given as well overrides it, and without either the defaults are weeks, merge, bgnbd, UTC
and en. Exit codes: 0 reported, 1 the data or the policy cannot be used, 2 usage.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path as FilePath
from typing import Any, TextIO, cast
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
from ..lifecycle._fit import ModelName
from ..lifecycle._transactions import Unit
from ..policy import load_policy
from ._words import say

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
        "--policy",
        metavar="POLICY",
        default=None,
        help="take the unit, same-day rule, model, timezone and locale from this policy "
        "(lifecycle.summary, lifecycle.value.model, program); options given override it",
    )
    p.add_argument(
        "--unit",
        choices=("days", "weeks"),
        default=None,
        help="time unit of the fit (default: the policy's, else weeks)",
    )
    p.add_argument(
        "--model",
        choices=("bgnbd", "mbgnbd", "pareto_nbd"),
        default=None,
        help="purchase model (default: the policy's, else bgnbd; pareto_nbd fits fast only with "
        "the value extra)",
    )
    p.add_argument(
        "--same-day",
        choices=("merge", "keep"),
        default=None,
        help="merge: the orders of one day are one purchase; keep: each order is one "
        "(default: the policy's, else merge)",
    )
    p.add_argument(
        "--timezone",
        default=None,
        help="the programme's timezone, for rows with times (default: the policy's, else UTC)",
    )
    p.add_argument("--penalty", type=float, default=0.0, help="fit penalty (see docs)")
    p.add_argument("--buckets", type=int, default=8, help="frequency buckets (last is N-1+)")
    p.add_argument(
        "--locale", default=None, help="en, zh_Hans or zh_Hant (default: the policy's, else en)"
    )
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


def _choices(args: argparse.Namespace, holdout_end: date) -> dict[str, str]:
    """The unit, same-day rule, model, timezone and locale: each option given, else the
    policy's (its version in force on the last holdout day), else the default."""
    chosen = {"unit": "weeks", "same_day": "merge", "model": "bgnbd", "timezone": "UTC"}
    chosen["locale"] = "en"
    if args.policy is not None:
        policy = load_policy(args.policy)
        program = policy.at(datetime.combine(holdout_end, datetime.max.time(), policy.info.tz))
        chosen["timezone"] = program.info.timezone
        chosen["locale"] = program.info.locale
        section = program.lifecycle
        if section is not None:
            chosen["unit"] = section.unit
            chosen["same_day"] = section.same_day
            chosen["model"] = section.value.model if section.value is not None else "bgnbd"
    for key in chosen:
        given = getattr(args, key)
        if given is not None:
            chosen[key] = given
    return chosen


def run_holdout(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Fit, check against the holdout, and print; returns the exit code."""
    try:
        calibration_end = date.fromisoformat(args.calibration_end)
        holdout_end = date.fromisoformat(args.holdout_end)
    except ValueError as exc:
        err.write(f"memberkit holdout: {exc}\n")
        return USAGE
    if args.policy is not None and not FilePath(args.policy).is_file():
        err.write(f"memberkit holdout: cannot read {args.policy}\n")
        return USAGE
    chosen = _choices(args, holdout_end)
    try:
        tz = ZoneInfo(chosen["timezone"])
    except (ValueError, ZoneInfoNotFoundError) as exc:
        err.write(f"memberkit holdout: {exc}\n")
        return USAGE
    if not FilePath(args.transactions).is_file():
        err.write(f"memberkit holdout: cannot read {args.transactions}\n")
        return USAGE
    unit: Unit = "days" if chosen["unit"] == "days" else "weeks"
    model_name: ModelName = cast(ModelName, chosen["model"])
    locale = chosen["locale"]
    summaries: list[MemberSummary] = list(
        summarise_transactions(
            _rows(args.transactions),
            calibration_end=calibration_end,
            holdout_end=holdout_end,
            unit=unit,
            same_day="keep" if chosen["same_day"] == "keep" else "merge",
            tz=tz,
        )
    )
    fit = fit_purchases([s.triple for s in summaries], model=model_name, penalty=args.penalty)
    model = PurchaseModel.from_fit(fit, unit)
    report = holdout_report(summaries, model, buckets=args.buckets)
    repeaters = [(s.x, s.mean_repeat_amount) for s in summaries if s.mean_repeat_amount]
    spend = gamma_gamma_fit(repeaters, penalty=args.penalty) if repeaters else None
    value = {
        "model": model_name,
        "purchases": {k: round(v, 4) for k, v in fit.parameters.items()},
    }
    if spend is not None:
        value["spend"] = {k: round(getattr(spend, k), 4) for k in ("p", "q", "gamma")}
    if args.svg:
        try:
            FilePath(args.svg).write_text(holdout_svg(report, locale), encoding="utf-8")
        except OSError as exc:
            err.write(f"memberkit holdout: cannot write {args.svg}: {exc.strerror or exc}\n")
            return USAGE
    if args.format == "json":
        data = report.as_dict() | {
            "converged": fit.converged,
            "same_day": chosen["same_day"],
            "timezone": chosen["timezone"],
            "value": value,
        }
        out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return OK
    out.write(holdout_text(report, locale))
    out.write("\n" + say(locale, "report.holdout.fitted", unit=unit, same_day=chosen["same_day"]))
    if not fit.converged:
        out.write(" " + say(locale, "report.holdout.not_converged"))
    out.write(f"\n  model: {model_name}\n  purchases: {json.dumps(value['purchases'])}\n")
    if "spend" in value:
        out.write(f"  spend: {json.dumps(value['spend'])}\n")
    return OK
