"""A fitted purchase model (BG/NBD, MBG/NBD or Pareto/NBD) with its time unit, and customer
lifetime value in money.

Time-unit confusion is the classic CLV bug: parameters fitted in weeks applied to a horizon in
days. Here the unit travels with the parameters (``PurchaseModel.unit``), every period argument is
in that unit, and the discount rate is always per YEAR, converted with the unit's length in days
(a year of 365.25 days).

CLV of a member over ``horizon``:
  Σ_i  ΔE_i · spend · (1 + d)^(-m_i)
where the horizon is cut into steps of ``step`` (the last may be shorter), ΔE_i is the expected
number of purchases in step i given the member's (x, t_x, T), m_i is the middle of step i in
years (purchases are spread over the step, so the middle is the unbiased point to discount at),
spend is the expected amount per purchase (gamma-gamma, Decimal, programme currency) and d the
yearly discount rate. Multiply by a margin outside if value should be profit, not revenue.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from .._errors import ModelError
from .._money import Money
from . import _bgfamily as family
from . import _pareto as pareto
from ._fit import Backend, ModelName, PurchaseFit, fit_purchases
from ._transactions import MemberSummary, Unit, unit_days

__all__ = ["PurchaseModel", "customer_lifetime_value"]

_DAYS_PER_YEAR = 365.25


_NAMES: dict[str, tuple[str, str, str, str]] = {
    "bgnbd": ("r", "alpha", "a", "b"),
    "mbgnbd": ("r", "alpha", "a", "b"),
    "pareto_nbd": ("r", "alpha", "s", "beta"),
}


@dataclass(frozen=True, slots=True)
class PurchaseModel:
    """A purchase model's parameters and the time unit they were fitted in.

    ``parameters`` are (r, α, a, b) for ``bgnbd`` and ``mbgnbd`` and (r, α, s, β) for
    ``pareto_nbd``; α and β are times in ``unit``, the others have no unit. Every period and
    summary given to the methods is in ``unit`` too.
    """

    model: ModelName
    parameters: tuple[float, float, float, float]
    unit: Unit

    def __post_init__(self) -> None:
        if self.model not in _NAMES:
            raise ModelError(f"unknown purchase model {self.model!r} (bgnbd, mbgnbd or pareto_nbd)")
        unit_days(self.unit)
        if len(self.parameters) != 4:
            raise ModelError(f"{self.model} needs four parameters {_NAMES[self.model]}")
        if self.model == "pareto_nbd":
            pareto.check_params(*self.parameters)
        else:
            family.check_params(*self.parameters)

    @classmethod
    def from_fit(cls, fit: PurchaseFit, unit: Unit) -> PurchaseModel:
        """The model a fit found, on the unit its summaries were in."""
        r, alpha, third, fourth = fit.parameters.values()
        return cls(fit.model, (r, alpha, third, fourth), unit)

    @classmethod
    def fit(
        cls,
        summaries: Iterable[MemberSummary],
        *,
        model: ModelName = "bgnbd",
        penalty: float = 0.0,
        backend: Backend = "auto",
    ) -> tuple[PurchaseModel, PurchaseFit]:
        """Fit ``model`` on member summaries and keep their unit: the model and the fit.

        The unit travels from the summaries to the model, never restated by hand; summaries in
        more than one unit are refused (ModelError).
        """
        units: set[str] = set()

        def triples() -> Iterator[tuple[int, float, float]]:
            for summary in summaries:
                if units and summary.unit not in units:
                    raise ModelError(
                        f"the summaries are in more than one unit ({', '.join(sorted(units))} "
                        f"and {summary.unit}): fit each unit apart"
                    )
                units.add(summary.unit)
                yield summary.triple

        found = fit_purchases(triples(), model=model, penalty=penalty, backend=backend)
        unit: Unit = "weeks" if units == {"weeks"} else "days"
        return cls.from_fit(found, unit), found

    @property
    def named(self) -> dict[str, float]:
        """The parameters by name (r, alpha, a, b or r, alpha, s, beta)."""
        return dict(zip(_NAMES[self.model], self.parameters, strict=True))

    def p_alive(self, x: int, t_x: float, T: float) -> float:  # noqa: N803 - the paper's T
        """P(alive | x, t_x, T), the summary in this model's unit."""
        family.check_summary(x, t_x, T)
        if self.model == "pareto_nbd":
            r, alpha, s, beta = self.parameters
            return pareto.pareto_nbd_p_alive(x, t_x, T, r=r, alpha=alpha, s=s, beta=beta)
        return family.p_alive(x, t_x, T, *self.parameters, self.model == "mbgnbd")

    def expected_purchases(self, t: float, x: int, t_x: float, T: float) -> float:  # noqa: N803
        """Expected purchases in the next ``t`` (this model's unit) given (x, t_x, T)."""
        family.check_summary(x, t_x, T)
        family.check_period(t)
        if self.model == "pareto_nbd":
            r, alpha, s, beta = self.parameters
            return pareto.pareto_nbd_expected_purchases(
                t, x, t_x, T, r=r, alpha=alpha, s=s, beta=beta
            )
        return family.expected_purchases(t, x, t_x, T, *self.parameters, self.model == "mbgnbd")

    def p_purchases(self, n: int, t: float) -> float:
        """P(n purchases in the first ``t`` (this model's unit) after the first purchase), for a
        member drawn from the population."""
        family.check_count(n)
        family.check_period(t)
        if self.model == "pareto_nbd":
            r, alpha, s, beta = self.parameters
            return pareto.pareto_nbd_p_purchases(n, t, r=r, alpha=alpha, s=s, beta=beta)
        return family.p_purchases(n, t, *self.parameters, self.model == "mbgnbd")

    def conditional_p_purchases(
        self,
        n: int,
        t: float,
        x: int,
        t_x: float,
        T: float,  # noqa: N803 - the paper's T
    ) -> float:
        """P(n purchases in the next ``t`` (this model's unit) | x, t_x, T): this member's own
        chance, given their history, of buying exactly n times in (T, T + t]."""
        family.check_count(n)
        family.check_period(t)
        family.check_summary(x, t_x, T)
        if self.model == "pareto_nbd":
            r, alpha, s, beta = self.parameters
            return pareto.pareto_nbd_conditional_p_purchases(
                n, t, x, t_x, T, r=r, alpha=alpha, s=s, beta=beta
            )
        return family.conditional_p_purchases(
            n, t, x, t_x, T, *self.parameters, self.model == "mbgnbd"
        )


def customer_lifetime_value(
    model: PurchaseModel,
    x: int,
    t_x: float,
    T: float,  # noqa: N803 - the paper's T
    *,
    spend: Decimal,
    currency: str,
    horizon: float,
    discount_rate: Decimal | float,
    step: float = 1.0,
) -> Money:
    """The discounted expected spend of a member over ``horizon`` (in ``model.unit``), rounded to
    the currency. ``spend`` is the expected amount per purchase; ``discount_rate`` is per year."""
    if not isinstance(spend, Decimal) or not spend.is_finite() or spend < 0:
        raise ModelError(f"spend must be a Decimal amount >= 0 (got {spend!r})")
    rate = float(discount_rate)
    if not (math.isfinite(rate) and rate > -1):
        raise ModelError(f"the yearly discount rate must be above -1 (got {discount_rate})")
    if not (math.isfinite(horizon) and horizon >= 0):
        raise ModelError(f"the horizon must be >= 0 {model.unit} (got {horizon})")
    if not (math.isfinite(step) and step > 0):
        raise ModelError(f"the step must be > 0 {model.unit} (got {step})")
    years_per_unit = unit_days(model.unit) / _DAYS_PER_YEAR
    log_discount = math.log1p(rate)
    total = 0.0
    before, start = 0.0, 0.0
    while start < horizon:
        end = min(start + step, horizon)
        cumulative = model.expected_purchases(end, x, t_x, T)
        middle_years = (start + end) / 2 * years_per_unit
        total += (cumulative - before) * math.exp(-log_discount * middle_years)
        before, start = cumulative, end
    return Money(Decimal(repr(total)) * spend, currency).quantize()
