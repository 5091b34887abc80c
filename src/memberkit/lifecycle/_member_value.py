"""What one member is worth under the policy's ``lifecycle.value`` (or ``bgnbd``) section.

The member's purchase occasions up to the moment (the programme's calendar, ``summary.same_day``)
give (x, t_x, T) in ``summary.unit`` and the mean of the repeat occasions' net amounts; the
purchase model gives P(alive) and the purchases expected over ``value.horizon``; the gamma-gamma
model gives the expected amount per purchase, and the two give the CLV in the programme's currency.
The figures go into lifecycle conditions as ``p_alive``, ``expected_purchases`` and ``clv``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from .._decision import Explained
from .._money import Money
from .._paths import format_path
from .._reasons import LocalizedText, Reason
from .._state import MemberState
from ._access import aware, brought_to, lifecycle_of
from ._compile import CompiledLifecycle
from ._fit import MODEL_NAMES
from ._spend import gamma_gamma_expected_spend
from ._summaries import occasions
from ._transactions import unit_days
from ._value import PurchaseModel, customer_lifetime_value

if TYPE_CHECKING:
    from .._compiled import Policy

__all__ = ["UNIT_NAMES", "MemberValue", "member_value", "value_of"]

UNIT_NAMES = {
    "days": LocalizedText({"en": "days", "zh_Hans": "天", "zh_Hant": "天"}, "en"),
    "weeks": LocalizedText({"en": "weeks", "zh_Hans": "周", "zh_Hant": "週"}, "en"),
}
"""The time units' names in each locale, for reasons."""
_FOUR = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class MemberValue(Explained):
    """A member's P(alive), expected purchases and CLV at ``as_of``, with the reasons."""

    member_id: str
    as_of: datetime
    model: str
    unit: str
    horizon: float | None
    """The period of ``expected_purchases`` and ``clv`` in ``unit`` (None with ``bgnbd:``)."""
    x: int
    t_x: float
    T: float
    p_alive: Decimal
    expected_purchases: Decimal | None
    purchase_chances: tuple[Decimal, ...] | None
    """P(0), P(1), P(2) and P(3 or more) purchases in the next ``horizon`` (in ``unit``), given
    the member's own history (None with ``bgnbd:``, which has no horizon)."""
    expected_spend: Money | None
    """The expected amount of one purchase (gamma-gamma), when the policy has a spend model."""
    clv: Money | None
    reasons: tuple[Reason, ...]
    default_locale: str = "en"

    def values(self) -> dict[str, object]:
        """The figures by lifecycle field name, for conditions."""
        out: dict[str, object] = {"p_alive": self.p_alive}
        if self.expected_purchases is not None:
            out["expected_purchases"] = self.expected_purchases
        if self.clv is not None:
            out["clv"] = self.clv.amount
        return out


def _chances(
    model: PurchaseModel,
    horizon: float,
    x: int,
    t_x: float,
    T: float,  # noqa: N803 - the paper's T
) -> tuple[Decimal, ...]:
    """P(0), P(1), P(2) and P(3 or more) purchases in the next ``horizon``, to four places."""
    few = [model.conditional_p_purchases(n, horizon, x, t_x, T) for n in range(3)]
    more = max(0.0, 1 - math.fsum(few))
    return tuple(Decimal(repr(p)).quantize(_FOUR) for p in (*few, more))


def value_of(
    compiled: CompiledLifecycle, state: MemberState, as_of: datetime
) -> MemberValue | None:
    """The member's value under the compiled section; None without a model or a purchase."""
    spec = compiled.value
    if spec is None and compiled.bgnbd is None:
        return None
    info = compiled.info
    unit: Literal["days", "weeks"] = "weeks" if compiled.unit == "weeks" else "days"
    found = occasions(state, as_of, info.tz, "merge" if compiled.same_day == "merge" else "keep")
    if not found:
        return None
    per = unit_days(unit)
    today = as_of.astimezone(info.tz).date()
    x = len(found) - 1
    t_x = (found[-1].day - found[0].day).days / per
    T = (today - found[0].day).days / per  # noqa: N806 - the paper's T
    params = spec.purchases if spec is not None else compiled.bgnbd
    assert params is not None
    name = spec.model if spec is not None else "bgnbd"
    model = PurchaseModel(name, tuple(params.model_dump().values()), unit)
    p_alive = Decimal(repr(model.p_alive(x, t_x, T))).quantize(_FOUR)
    where = format_path(("lifecycle", "value" if spec is not None else "bgnbd"))
    reasons = [
        Reason.of("lifecycle.p_alive_model", where, p_alive=p_alive, model=MODEL_NAMES[name])
        if spec is not None
        else Reason.of("lifecycle.p_alive", where, p_alive=p_alive)
    ]
    expected: Decimal | None = None
    chances: tuple[Decimal, ...] | None = None
    spend: Money | None = None
    clv: Money | None = None
    if spec is not None:
        expected = Decimal(repr(model.expected_purchases(spec.horizon, x, t_x, T))).quantize(_FOUR)
        horizon = Decimal(repr(spec.horizon)).normalize()
        unit_name = UNIT_NAMES[unit]
        reasons.append(
            Reason.of(
                "lifecycle.expected_purchases",
                where,
                expected=expected,
                horizon=horizon,
                unit=unit_name,
            )
        )
        chances = _chances(model, spec.horizon, x, t_x, T)
        reasons.append(
            Reason.of(
                "lifecycle.purchase_chances",
                where,
                none=chances[0],
                one=chances[1],
                two=chances[2],
                more=chances[3],
                horizon=horizon,
                unit=unit_name,
            )
        )
        if spec.spend is not None:
            repeat = sum((o.amount for o in found[1:]), Decimal(0))
            mean = repeat / x if x and repeat > 0 else None
            sp = spec.spend
            per_purchase = gamma_gamma_expected_spend(
                x if mean is not None else 0, mean, p=sp.p, q=sp.q, gamma=sp.gamma
            )
            spend = Money(per_purchase, info.currency).quantize()
            clv = customer_lifetime_value(
                model,
                x,
                t_x,
                T,
                spend=per_purchase,
                currency=info.currency,
                horizon=spec.horizon,
                discount_rate=spec.discount_rate,
                step=spec.step,
            )
            reasons.append(
                Reason.of(
                    "lifecycle.clv",
                    where,
                    clv=clv,
                    spend=spend,
                    horizon=horizon,
                    unit=unit_name,
                    discount_rate=Decimal(repr(spec.discount_rate)),
                )
            )
    return MemberValue(
        member_id=state.member_id,
        as_of=as_of,
        model=name,
        unit=unit,
        horizon=spec.horizon if spec is not None else None,
        x=x,
        t_x=t_x,
        T=T,
        p_alive=p_alive,
        expected_purchases=expected,
        purchase_chances=chances,
        expected_spend=spend,
        clv=clv,
        reasons=tuple(reasons),
        default_locale=info.locale,
    )


def member_value(policy: Policy, state: MemberState, as_of: datetime) -> MemberValue | None:
    """What the member is worth at ``as_of`` under the policy's lifecycle section.

    None when the policy has neither ``lifecycle.value`` nor ``lifecycle.bgnbd``, or the member
    has not bought anything yet (no purchase, no model input).
    """
    aware(as_of)
    compiled = lifecycle_of(policy, as_of)
    return value_of(compiled, brought_to(policy, state, as_of), as_of)
