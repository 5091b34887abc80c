"""Cross-checks of the `points:` section: references, precision and ordering, with paths.

Each finding carries the absolute policy path of the key at fault; the loader adds line:col.
"""

from __future__ import annotations

from decimal import Decimal

from .._compiled_base import CheckContext, did_you_mean
from .._paths import Finding, Path, format_path
from ..rules import Compare, Condition
from ._model import CurrencySpec, EarnRule, PointsSection

__all__ = ["DEFAULT_CURRENCY", "check_points"]

DEFAULT_CURRENCY = "points"
"""The id of the one currency of a points section that declares no ``currencies``."""


def _unknown_tier(tier: str, ctx: CheckContext, path: Path) -> Finding | None:
    return ctx.unknown_tier(tier, path)


def _money_precision(amount: Decimal, ctx: CheckContext, path: Path) -> Finding | None:
    return ctx.money_precision(amount, path)


def _unknown_currency(
    currency: str | None, currencies: tuple[str, ...], path: Path
) -> Finding | None:
    """A finding at ``path`` when a rule names a currency the section does not declare."""
    if currency is None or currency in currencies:
        return None
    hint = did_you_mean(currency, currencies)
    listed = "" if hint else f" (currencies: {', '.join(currencies)})"
    return Finding(path, f"unknown points currency '{currency}'{hint}{listed}", "unknown_currency")


def _currency_ids(section: PointsSection) -> tuple[str, ...]:
    return tuple(c.id for c in section.currencies) or (DEFAULT_CURRENCY,)


def _condition_tiers(cond: Condition | None, ctx: CheckContext, path: Path) -> list[Finding]:
    found: list[Finding] = []
    if cond is None:
        return found
    for node in cond.walk():
        if isinstance(node, Compare) and node.field in ("tier", "tier_reached"):
            literals = node.value if isinstance(node.value, tuple) else (node.value,)
            for literal in literals:
                finding = _unknown_tier(str(literal), ctx, (*path, *node.path))
                if finding is not None:
                    found.append(finding)
    return found


def check_points(section: PointsSection, ctx: CheckContext) -> list[Finding]:
    """Cross-field problems of the section (references, ordering), with absolute paths."""
    findings: list[Finding] = []
    currencies = _currency_ids(section)
    if section.currencies:
        findings.extend(
            Finding(
                ("points", key),
                f"with 'currencies' declared, give '{key}' inside each currency",
                "misplaced_key",
            )
            for key in ("expiry", "redeem", "transfer", "earn_cap")
            if getattr(section, key) is not None
        )
    seen: dict[str, int] = {}
    for index, spec in enumerate(section.currencies):
        base: Path = ("points", "currencies", index)
        if spec.id in seen:
            findings.append(
                Finding((*base, "id"), f"currency id '{spec.id}' is declared twice", "duplicate_id")
            )
        seen[spec.id] = index
        findings += _check_currency(spec, base, ctx)
    if not section.currencies:
        single = CurrencySpec(
            id=DEFAULT_CURRENCY,
            expiry=section.expiry,
            redeem=section.redeem,
            transfer=section.transfer,
            earn_cap=section.earn_cap,
        )
        findings += _check_currency(single, ("points",), ctx)
    rules: dict[str, int] = {}
    for index, rule in enumerate(section.earn):
        base = ("points", "earn", index)
        if rule.id in rules:
            findings.append(
                Finding(
                    (*base, "id"),
                    f"rule id '{rule.id}' is already used by "
                    f"{format_path(('points', 'earn', rules[rule.id]))}",
                    "duplicate_id",
                )
            )
        rules[rule.id] = index
        findings += _check_rule(rule, base, ctx, currencies, section)
    findings += _check_timed(section, ctx, currencies)
    return findings


def _dated(section: PointsSection, currency: str) -> bool:
    """Whether the currency's points carry a last valid day (rolling or fixed expiry)."""
    spec = next((c for c in section.currencies if c.id == currency), None)
    expiry = spec.expiry if spec is not None else section.expiry
    return expiry is not None and expiry.inactivity_months is None


def _check_timed(
    section: PointsSection, ctx: CheckContext, currencies: tuple[str, ...]
) -> list[Finding]:
    found: list[Finding | None] = list(
        _twice("timed rule", [rule.id for rule in section.timed], ("points", "timed"))
    )
    for index, rule in enumerate(section.timed):
        base: Path = ("points", "timed", index)
        currency = rule.currency or currencies[0]
        unknown = _unknown_currency(rule.currency, currencies, (*base, "currency"))
        if unknown is not None:
            found.append(unknown)
            continue
        if rule.do.extend_months is not None and not _dated(section, currency):
            found.append(
                Finding(
                    (*base, "do", "extend_months"),
                    f"points of '{currency}' have no last valid day to push back; give the "
                    "currency rolling_months or fixed expiry, or expire instead",
                    "no_effect",
                )
            )
        if rule.at.tier is not None and not ctx.tier_ids:
            found.append(
                Finding(
                    (*base, "at"),
                    f"'tier_{rule.at.tier}' needs a tier ladder; the policy declares no tiers",
                    "no_tiers",
                )
            )
        if rule.figures_read and rule.at.kind != "every":
            found.append(
                Finding(
                    (*base, "when"),
                    f"'{rule.figures_read[0]}' counts the orders of a block: it goes with "
                    "at: {every: ...}; use balance or tier_reached here",
                    "no_block",
                )
            )
        found += _condition_tiers(rule.when, ctx, (*base, "when"))
    return [f for f in found if f is not None]


def _twice(noun: str, ids: list[str], base: Path) -> list[Finding | None]:
    """A finding at each id of a list that an earlier entry already declared."""
    seen: set[str] = set()
    found: list[Finding | None] = []
    for j, item in enumerate(ids):
        if item in seen:
            found.append(
                Finding((*base, j, "id"), f"{noun} id '{item}' is declared twice", "duplicate_id")
            )
        seen.add(item)
    return found


def _check_currency(spec: CurrencySpec, base: Path, ctx: CheckContext) -> list[Finding]:
    found: list[Finding | None] = []
    if spec.expiry is not None:
        for j, tier in enumerate(spec.expiry.never_while_tier):
            found.append(_unknown_tier(tier, ctx, (*base, "expiry", "never_while_tier", j)))
        held = spec.expiry.extend_while_tier
        for j, tier in enumerate(held.tiers if held is not None else ()):
            found.append(
                _unknown_tier(tier, ctx, (*base, "expiry", "extend_while_tier", "tiers", j))
            )
    if spec.redeem is not None:
        redeem = spec.redeem
        if not spec.spendable:
            found.append(
                Finding(
                    (*base, "redeem"),
                    f"currency '{spec.id}' is not spendable and cannot be redeemed",
                    "not_spendable",
                )
            )
        if redeem.points_per_unit is not None and redeem.denominations:
            found.append(
                Finding(
                    (*base, "redeem", "denominations"),
                    "give 'points_per_unit' or 'denominations', not both",
                    "conflicting_keys",
                )
            )
        found += _twice("reward", [r.id for r in redeem.rewards], (*base, "redeem", "rewards"))
        found += _check_redeem_limits(spec, (*base, "redeem"), ctx)
        previous = 0
        for j, row in enumerate(redeem.denominations):
            if row.points <= previous:
                found.append(
                    Finding(
                        (*base, "redeem", "denominations", j, "points"),
                        "denominations are listed by increasing points",
                        "bad_order",
                    )
                )
            previous = row.points
    if spec.transfer is not None:
        for key in ("tiers", "receive_tiers"):
            for j, tier in enumerate(getattr(spec.transfer, key) or ()):
                found.append(_unknown_tier(tier, ctx, (*base, "transfer", key, j)))
        partners = [p.id for p in spec.transfer.partners]
        found += _twice("partner", partners, (*base, "transfer", "partners"))
    return [f for f in found if f is not None]


def _check_redeem_limits(spec: CurrencySpec, base: Path, ctx: CheckContext) -> list[Finding | None]:
    """Redemption limits that name tiers or money, or that could never change anything."""
    redeem = spec.redeem
    assert redeem is not None
    found: list[Finding | None] = []
    for j, reward in enumerate(redeem.rewards):
        for k, tier in enumerate(reward.tiers or ()):
            found.append(_unknown_tier(tier, ctx, (*base, "rewards", j, "tiers", k)))
    if redeem.min_order_amount is not None:
        found.append(_money_precision(redeem.min_order_amount, ctx, (*base, "min_order_amount")))
    given = redeem.model_fields_set
    pays = redeem.points_per_unit is not None or bool(redeem.denominations)
    # A key that would change nothing is refused, so an author is never misled by it.
    if "combine" in given and not redeem.denominations:
        found.append(
            Finding(
                (*base, "combine"),
                "'combine' says how denomination rows add up; it applies with 'denominations' "
                "only: remove it, or give a table such as [{points: 500, value: 25}]",
                "no_effect",
            )
        )
    found.extend(
        Finding(
            (*base, key),
            f"'{key}' applies to points paying towards an order, which this currency "
            "does not offer: remove it, or give points_per_unit or denominations",
            "no_effect",
        )
        for key in ("min_order_amount", "points_or_cash")
        if key in given and getattr(redeem, key) and not pays
    )
    share = redeem.max_share_of_order
    if redeem.points_or_cash and share is not None and share < 1:
        found.append(
            Finding(
                (*base, "points_or_cash"),
                f"points_or_cash makes points pay the whole order, but max_share_of_order lets "
                f"them pay at most {share} of it, so no payment could go through: remove one",
                "conflicting_keys",
            )
        )
    return found


def _reward_ids(section: PointsSection) -> tuple[str, ...]:
    """Every catalogue reward the section declares, in any currency."""
    redeems = [c.redeem for c in section.currencies] or [section.redeem]
    return tuple(r.id for redeem in redeems if redeem is not None for r in redeem.rewards)


def _check_rule(
    rule: EarnRule,
    base: Path,
    ctx: CheckContext,
    currencies: tuple[str, ...],
    section: PointsSection,
) -> list[Finding]:
    found: list[Finding | None] = []
    found.append(_unknown_currency(rule.currency, currencies, (*base, "currency")))
    if rule.per is not None and rule.per.currency not in (None, ctx.info.currency):
        found.append(
            Finding(
                (*base, "per"),
                f"'{rule.per.currency}' is not the programme's currency ({ctx.info.currency})",
                "wrong_currency",
            )
        )
    if rule.per is not None and rule.per.amount is not None:
        found.append(_money_precision(rule.per.amount, ctx, (*base, "per")))
    if rule.min_order is not None:
        found.append(_money_precision(rule.min_order, ctx, (*base, "min_order")))
    if rule.multiply is not None:
        found.extend(
            _unknown_tier(tier, ctx, (*base, "multiply", "by_tier", tier))
            for tier in rule.multiply.by_tier or {}
        )
    found.extend(_condition_tiers(rule.when, ctx, (*base, "when")))
    found.extend(_condition_tiers(rule.except_, ctx, (*base, "except")))
    if rule.rewards is not None:
        declared = _reward_ids(section)
        for j, reward in enumerate(rule.rewards):
            if reward not in declared:
                hint = did_you_mean(reward, declared)
                listed = f" (rewards: {', '.join(declared)})" if declared and not hint else ""
                found.append(
                    Finding(
                        (*base, "rewards", j),
                        f"unknown reward '{reward}'{hint}{listed}"
                        + ("" if declared else ": the policy's redeem declares no rewards"),
                        "unknown_reward",
                    )
                )
    if rule.on == "tier_upgrade" and not ctx.tier_ids:
        found.append(
            Finding(
                (*base, "on"),
                "a tier_upgrade rule needs a tiers section: the policy declares no tiers",
                "unknown_tier",
            )
        )
    return [f for f in found if f is not None]
