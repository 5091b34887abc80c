"""``memberkit demo``: the bundled retail programme replayed over a year of synthetic members.

The report goes to stdout (stable for a given ``--members``: the population is seeded); the
progress bar and the elapsed time go to stderr, the bar only when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import unicodedata
from datetime import datetime
from decimal import Decimal
from importlib import resources
from typing import Any, TextIO

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from .._compiled import Policy
from .._state import MemberState
from ..benefits import entitlements
from ..demo import DemoReport, build_report, synthetic_members
from ..demo._report import EXPIRY_WINDOW_DAYS
from ..demo._value import ValueFigures
from ..lifecycle import holdout_text, lifecycle_stage
from ..lifecycle._fit import MODEL_NAMES
from ..points import balance, expiring
from ..policy import parse_policy
from ..tiers import progress, tier_of
from ._options import add_locale_option, at_least_one, chosen_locale
from ._words import say

__all__ = [
    "DEMO_YEAR",
    "MEMBERS_PER_WORKER",
    "add_demo_parser",
    "bundled_example",
    "demo_workers",
    "run_demo",
]

DEMO_YEAR = 2026
SEED = 2026
BIRTHDAY_BENEFIT = "birthday-gift"
"""The bundled programme's birthday benefit, which some synthetic members use each year."""


def bundled_example(name: str = "retail") -> tuple[str, bytes]:
    """The source name and text of a bundled example programme."""
    ref = resources.files("memberkit") / "examples" / f"{name}.yaml"
    return f"examples/{name}.yaml", ref.read_bytes()


MEMBERS_PER_WORKER = 500
"""Below this many members a process does not earn its start-up (importing and compiling)."""


def demo_workers(members: int, asked: int | None, cores: int | None) -> int:
    """The processes a demo of ``members`` runs in: as asked, else one a core, each with at
    least ``MEMBERS_PER_WORKER`` members."""
    if asked is not None:
        return asked
    return max(1, min(cores or 1, members // MEMBERS_PER_WORKER))


def add_demo_parser(sub: Any) -> None:
    """Register the demo subcommand."""
    demo = sub.add_parser(
        "demo",
        help="run the bundled retail programme on a year of synthetic members",
        description="Replay a year of deterministic synthetic member activity through the "
        "bundled 普通/银卡/金卡/白金 retail programme and print a report.",
    )
    demo.add_argument(
        "--members",
        type=at_least_one("member"),
        default=2000,
        metavar="N",
        help="members (default 2000)",
    )
    demo.add_argument(
        "--workers",
        type=at_least_one("worker"),
        default=None,
        metavar="N",
        help="processes to replay the members in (default: one a core, with at least "
        f"{MEMBERS_PER_WORKER} members each); the report is the same for any N",
    )
    add_locale_option(demo)
    demo.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text report (default) or json with the same figures",
    )


class _Bar:
    """A one-line progress bar redrawn in place on a terminal; silent otherwise."""

    def __init__(self, err: TextIO, total: int) -> None:
        self.err = err
        self.total = total
        self.shown = -1
        self.live = bool(getattr(err, "isatty", lambda: False)())

    def __call__(self, done: int, total: int) -> None:
        if not self.live:
            return
        percent = done * 100 // max(total, 1)
        if percent == self.shown:
            return
        self.shown = percent
        filled = percent * 30 // 100
        self.err.write(f"\r  [{'#' * filled}{'.' * (30 - filled)}] {done}/{total} members")
        if done == total:
            self.err.write("\n")
        self.err.flush()


def run_demo(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Replay the synthetic year through the bundled programme and print the report."""
    started = time.perf_counter()
    source, text = bundled_example()
    policy = parse_policy(text, source=source)
    info = policy.info
    locale = chosen_locale(args.locale, info.locale, err, "demo")
    as_of = datetime(DEMO_YEAR, 12, 31, 23, 59, 59, tzinfo=info.tz)
    program = policy.at(as_of)
    rewards = tuple(
        reward.id
        for currency in (program.points.currencies if program.points is not None else ())
        if currency.redeem is not None
        for reward in currency.redeem.rewards
    )
    benefits = program.benefits.by_id if program.benefits is not None else {}
    population = synthetic_members(
        args.members,
        year=DEMO_YEAR,
        tz=info.tz,
        seed=SEED,
        currency=info.currency,
        rewards=rewards,
        birthday_benefit=BIRTHDAY_BENEFIT if BIRTHDAY_BENEFIT in benefits else None,
    )
    report = build_report(
        policy,
        population,
        count=args.members,
        as_of=as_of,
        progress=_Bar(err, args.members),
        workers=demo_workers(args.members, args.workers, os.cpu_count()),
    )
    explained = [
        (example.member_id, texts)
        for example in report.examples
        if (texts := _explain(policy, example.state, as_of, locale))
    ]
    if args.format == "json":
        data = _as_json(report, explained, locale)
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(_as_text(policy, report, explained, locale))
    elapsed = time.perf_counter() - started
    err.write(
        f"memberkit demo: {report.members:,} members, {report.events:,} events in {elapsed:.1f}s\n"
    )
    return 0


def _explain(policy: Policy, state: MemberState, as_of: datetime, locale: str) -> list[str]:
    """What the programme says about one member at ``as_of``, in ``locale``, part by part."""
    program = policy.at(as_of)
    texts: list[str] = []
    if program.tiers is not None:
        texts.append(tier_of(policy, state, as_of).explain(locale))
        texts.append(progress(policy, state, as_of).explain(locale))
    if program.points is not None:
        for currency in program.points.currencies:
            if currency.spendable:
                texts.append(balance(policy, state, as_of, currency.id).explain(locale))
                texts.append(
                    expiring(policy, state, as_of, EXPIRY_WINDOW_DAYS, currency.id).explain(locale)
                )
    if program.lifecycle is not None:
        texts.append(lifecycle_stage(policy, state, as_of).explain(locale))
    if program.benefits is not None:
        allowed = entitlements(policy, state, as_of)
        texts += [item.explain(locale) for item in allowed.items if item.allowed]
    return [text for text in texts if text]


def _width(text: str) -> int:
    # Chinese characters take two columns in a terminal; pad by what the eye sees.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _num(value: int | Decimal, locale: str = "en") -> str:
    return format_decimal(value, locale=_babel(locale))


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / max(whole, 1):5.1f}%"


_ACTIVITY_WORDS = {
    "checkin": "report.activity.checkin",
    "referral": "report.activity.referral",
    "review": "report.activity.review",
    "share": "report.activity.share",
    "signup": "report.activity.signup",
}
"""The synthetic members' activity kinds; a programme's other kinds are shown as written."""

_EVENT_WORDS = {
    "adjustment": "report.event.adjustment",
    "benefit_use": "report.event.benefit_use",
    "points_extension": "report.event.points_extension",
    "profile": "report.event.profile",
    "purchase": "report.event.purchase",
    "redemption": "report.event.redemption",
    "redemption_cancel": "report.event.redemption_cancel",
    "refund": "report.event.refund",
    "tier_grant": "report.event.tier_grant",
    "transfer": "report.event.transfer",
}

_REFUSAL_WORDS = {
    "benefit.condition_failed": "report.refused.benefit.condition_failed",
    "benefit.not_in_tier": "report.refused.benefit.not_in_tier",
    "benefit.quota_used": "report.refused.benefit.quota_used",
    "points.below_min_redeem": "report.refused.points.below_min_redeem",
    "points.insufficient": "report.refused.points.insufficient",
    "points.over_order_share": "report.refused.points.over_order_share",
}
"""Short names of the refusals a year of the demo meets; any other is shown by its code."""


def _event_label(kind: str, locale: str) -> str:
    """An event type (``purchase``, ``activity:checkin``) in words of the locale."""
    base, _, sub = kind.partition(":")
    if base == "activity":
        word = _ACTIVITY_WORDS.get(sub)
        return say(locale, "report.event.activity", kind=say(locale, word) if word else sub)
    code = _EVENT_WORDS.get(base)
    return say(locale, code) if code else kind


def _refusal_label(code: str, locale: str) -> str:
    word = _REFUSAL_WORDS.get(code)
    return say(locale, word) if word else code


def _as_text(
    policy: Policy, report: DemoReport, explained: list[tuple[str, list[str]]], locale: str
) -> str:
    info = policy.info
    day = report.as_of.date()
    year = str(report.as_of.year)
    program = policy.at(report.as_of)
    benefit_names = program.benefits.by_id if program.benefits is not None else {}
    lines = [
        say(
            locale,
            "report.demo.title",
            programme=info.name,
            id=info.id,
            currency=info.currency,
            timezone=info.timezone,
        ),
        say(locale, "report.demo.population", members=report.members, seed=str(SEED), day=day),
        "",
        say(locale, "report.demo.events"),
    ]
    labels = {kind: _event_label(kind, locale) for kind in report.events_by_type}
    width = max((_width(label) for label in labels.values()), default=0)
    lines += [
        f"  {_pad(labels[kind], width)}  {_num(n, locale):>9}"
        for kind, n in report.events_by_type.items()
    ]
    summary = say(
        locale,
        "report.demo.events_summary",
        events=report.events,
        applied=report.accepted,
        refused=report.refused,
    )
    if report.errors:
        rejected = say(locale, "report.demo.events_rejected", rejected=sum(report.errors.values()))
        summary += _comma(locale) + rejected
    lines.append(f"  {summary}")
    lines += [
        "    " + say(locale, "report.demo.refused", reason=_refusal_label(code, locale), count=n)
        for code, n in report.refusals_by_reason.items()
    ]
    lines += [
        "    " + say(locale, "report.demo.rejected", reason=code, count=n)
        for code, n in report.errors.items()
    ]

    def tier_name(tier: str) -> str:
        name = report.tier_names.get(tier)
        return name.get(locale) if name is not None else (tier or "—")

    if report.tiers is not None:
        lines += ["", say(locale, "report.demo.tiers", day=day)]
        for tier, n in report.tiers.items():
            lines.append(
                f"  {_pad(tier_name(tier), 12)} {_num(n, locale):>8}  {_pct(n, report.members)}"
            )
    if report.tier_movements:
        lines += ["", say(locale, "report.demo.tier_movements", year=year)]
        joined = say(locale, "report.demo.joined")
        for (before, after), n in report.tier_movements.items():
            move = f"{tier_name(before) if before else joined} → {tier_name(after)}"
            lines.append(f"  {_pad(move, 26)} {_num(n, locale):>8}")
    for figures in report.points or ():
        lines += [
            "",
            say(
                locale,
                "report.demo.points",
                name=figures.name,
                currency=figures.currency,
                year=year,
            ),
        ]
        rows = [(say(locale, "report.demo.issued"), figures.issued)]
        if figures.spendable:
            rows += [
                (say(locale, "report.demo.redeemed"), figures.redeemed),
                (say(locale, "report.demo.expired"), figures.expired),
            ]
        rows += [(say(locale, "report.demo.reversed"), -figures.by_kind.get("reverse", 0))]
        rows += [(say(locale, "report.demo.outstanding", day=day), figures.outstanding)]
        lines += [f"  {_pad(label, 26)} {_num(value, locale):>14}" for label, value in rows]
        if figures.spendable and (figures.expiring_members or figures.expiring_points):
            lines.append(
                "  "
                + say(
                    locale,
                    "report.demo.expiring",
                    days=EXPIRY_WINDOW_DAYS,
                    points=figures.expiring_points,
                    members=figures.expiring_members,
                )
            )
    if report.benefit_uses is not None:
        lines += ["", say(locale, "report.demo.benefits", year=year)]
        uses = []
        for b, n in report.benefit_uses.items():
            benefit = benefit_names.get(b)
            label = benefit.name.get(locale) if benefit is not None else b
            uses.append(f"  {_pad(label, 24)} {_num(n, locale):>8}")
        lines += uses or ["  " + say(locale, "report.demo.none")]
    if report.stages is not None:
        lines += ["", say(locale, "report.demo.stages", day=day)]
        for stage, n in report.stages.items():
            name = report.stage_names.get(stage)
            label = (
                name.get(locale) if name is not None else (stage or say(locale, "report.demo.none"))
            )
            lines.append(f"  {_pad(label, 14)} {_num(n, locale):>8}  {_pct(n, report.members)}")
    if report.segments is not None:
        lines += ["", say(locale, "report.demo.segments", day=day)]
        for segment, n in report.segments.items():
            name = report.segment_names.get(segment)
            label = (
                name.get(locale)
                if name is not None
                else (segment or say(locale, "report.demo.none"))
            )
            lines.append(f"  {_pad(label, 22)} {_num(n, locale):>8}  {_pct(n, report.members)}")
    if report.kpis is not None:
        lines += ["", say(locale, "report.demo.kpis", year=year)]
        lines += [f"  {line}" for line in report.kpis.explain(locale).splitlines()]
        active = [
            f"{format_date(m.month, 'MMM', locale=_babel(locale))} "
            f"{format_percent(m.rate.value, locale=_babel(locale))}"
            for m in report.kpis.monthly_active
            if m.rate.value is not None
        ]
        if active:
            lines.append(
                "  " + say(locale, "report.demo.monthly_active", months=_comma(locale).join(active))
            )
        currencies = {f.currency: f.name for f in report.points or ()}
        for flows in report.kpis.points:
            if flows.breakage is not None:
                share = format_percent(flows.breakage, "#,##0.0%", locale=_babel(locale))
                name = currencies.get(flows.currency)
                lines.append(
                    "  "
                    + say(
                        locale,
                        "report.demo.breakage",
                        currency=name if name is not None else flows.currency,
                        share=share,
                    )
                )
    if report.value is not None:
        lines += ["", *_value_lines(report.value, locale)]
    if explained:
        lines += ["", say(locale, "report.demo.explained")]
        for member_id, texts in explained:
            lines += ["", f"  {member_id}"]
            for text in texts:
                lines += [f"    {line}" for line in text.splitlines()]
    return "\n".join(lines) + "\n"


def _comma(locale: str) -> str:
    # A list inside a Chinese sentence is separated by full-width commas.
    return "，" if _babel(locale).language == "zh" else ", "


def _babel(locale: str) -> Locale:
    return Locale.parse(locale.replace("-", "_").split(".")[0])


_UNITS = {
    ("Hans", "days"): "天",
    ("Hans", "weeks"): "周",
    ("Hant", "days"): "天",
    ("Hant", "weeks"): "週",
    ("zh", "days"): "天",
    ("zh", "weeks"): "周",
}
"""The model's time unit in Chinese (English keeps the unit's own word)."""


def _value_lines(value: ValueFigures, locale: str) -> list[str]:
    model = value.model
    babel = _babel(locale)
    lines = [
        say(
            locale,
            "report.demo.value_title",
            model=MODEL_NAMES[model.model],
            unit=_UNITS.get((babel.script or babel.language, model.unit), model.unit),
        ),
        "  "
        + say(
            locale,
            "report.demo.value_total",
            members=value.members,
            weeks=value.horizon_weeks,
            total=value.clv_total,
            share=format_percent(value.top_fifth_share, "#,##0%", locale=babel),
        ),
        "  "
        + say(
            locale,
            "report.demo.value_alive",
            alive=format_percent(value.mean_p_alive, "#,##0%", locale=babel),
            win_back=value.win_back,
        ),
    ]
    if value.holdout is not None:
        text = holdout_text(value.holdout, locale).splitlines()
        lines += [""] + [f"  {line}".rstrip() for line in text]
    return lines


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _as_json(
    report: DemoReport, explained: list[tuple[str, list[str]]], locale: str
) -> dict[str, object]:
    data: dict[str, object] = {
        "programme": report.programme,
        "as_of": report.as_of.isoformat(),
        "seed": SEED,
        "members": report.members,
        "events": report.events,
        "events_by_type": report.events_by_type,
        "accepted": report.accepted,
        "refused": report.refused,
        "refusals_by_reason": report.refusals_by_reason,
        "errors": report.errors,
    }
    if report.tiers is not None:
        data["tiers"] = report.tiers
    if report.tier_movements is not None:
        data["tier_movements"] = [
            {"from": before or None, "to": after, "members": n}
            for (before, after), n in report.tier_movements.items()
        ]
    if report.points is not None:
        data["points"] = {
            f.currency: {
                "issued": _plain(f.issued),
                "redeemed": _plain(f.redeemed),
                "expired": _plain(f.expired),
                "outstanding": _plain(f.outstanding),
                "by_kind": _plain(f.by_kind),
                "expiring_within_days": EXPIRY_WINDOW_DAYS,
                "expiring_points": _plain(f.expiring_points),
                "expiring_members": f.expiring_members,
            }
            for f in report.points
        }
    if report.benefit_uses is not None:
        data["benefit_uses"] = report.benefit_uses
    if report.stages is not None:
        data["lifecycle_stages"] = report.stages
    if report.segments is not None:
        data["rfm_segments"] = report.segments
    if report.value is not None:
        v = report.value
        data["value"] = {
            "model": v.model.model,
            "unit": v.model.unit,
            "parameters": v.model.named,
            "members": v.members,
            "clv_total": str(v.clv_total.amount),
            "horizon_weeks": v.horizon_weeks,
            "top_fifth_share": str(v.top_fifth_share),
            "win_back": v.win_back,
            "mean_p_alive": str(v.mean_p_alive),
            "holdout": v.holdout.as_dict() if v.holdout is not None else None,
        }
    if report.kpis is not None:
        kpis = report.kpis
        data["kpis"] = {
            "start": kpis.start.isoformat(),
            "end": kpis.end.isoformat(),
            "members": kpis.members,
            "repurchase_rate": _plain(kpis.repurchase.value),
            "member_sales": str(kpis.member_sales.amount),
            "monthly_active": {
                m.month.isoformat(): _plain(m.rate.value) for m in kpis.monthly_active
            },
            "breakage": {f.currency: _plain(f.breakage) for f in kpis.points},
            "text": kpis.explain(locale).splitlines(),
        }
    data["explained"] = [
        {"member_id": m, "locale": locale, "text": texts} for m, texts in explained
    ]
    return data
