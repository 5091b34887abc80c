"""The `lifecycle:` section of a policy: stages, RFM segments, BG/NBD parameters and audiences.

::

    lifecycle:
      window: {months: 12}          # frequency and monetary are counted over this window
      churn_gap_days: 180           # a gap this long between purchases means the member lapsed
      summary: {unit: days, same_day: merge}
      stages:                       # the first stage whose condition holds wins
        - {id: new, name: {zh_Hans: 引入期, en: New}, when: {purchases: {"<=": 1}}}
        - {id: churned, name: 流失, when: {recency_days: {">=": 365}}}
        - {id: mature, name: 成熟期}
      default: mature               # the stage when no condition holds
      rfm:
        ntiles: 5
        segments:
          - {id: champions, name: Champions, when: {r: {">=": 4}, fm: {">=": 4}}}
        default: lost
      bgnbd: {r: 0.243, alpha: 4.414, a: 0.793, b: 2.426}
      value:                        # or, instead of bgnbd: P(alive), expected purchases and CLV
        model: mbgnbd               # bgnbd, mbgnbd or pareto_nbd
        purchases: {r: 0.525, alpha: 6.183, a: 0.891, b: 1.614}   # fitted in summary.unit
                                    # pareto_nbd: {r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669}
        spend: {p: 6.25, q: 3.74, gamma: 15.44}   # gamma-gamma, amounts in the currency
        horizon: 52                 # in summary.unit: the period of expected_purchases and clv
        step: 4                     # in summary.unit: CLV is discounted step by step
        discount_rate: 0.10         # per year
      audiences:
        - {id: gold-active, when: {tier: [gold, platinum], activity_recency_days: {"<=": 90}}}
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    Tag,
    WithJsonSchema,
    model_validator,
)

from .._conditions import condition_parser, condition_schema
from .._program import Ident, Name
from ..rules import Condition
from ._vocabulary import AUDIENCE_FIELDS, RFM_FIELDS, STAGE_FIELDS

__all__ = [
    "AudienceSpec",
    "BgNbdParams",
    "LifecycleSection",
    "ParetoNbdParams",
    "RfmSection",
    "SegmentSpec",
    "SpendParams",
    "StageSpec",
    "SummarySpec",
    "ValueSpec",
    "WindowSpec",
]


def _repr(value: object) -> str:
    # A Python function, not the builtin: pydantic reads a serializer's signature, and a builtin's
    # is parsed from text with tokenize (whose patterns take ~50 ms to compile at start-up).
    return repr(value)


StageCondition = Annotated[
    Condition,
    BeforeValidator(condition_parser(STAGE_FIELDS, attributes=False)),
    PlainSerializer(_repr, return_type=str),
    WithJsonSchema(condition_schema(STAGE_FIELDS, attributes=False, title="Stage condition")),
]
"""A condition over the lifecycle figures, the member and the moment."""

SegmentCondition = Annotated[
    Condition,
    BeforeValidator(condition_parser(RFM_FIELDS, attributes=False)),
    PlainSerializer(_repr, return_type=str),
    WithJsonSchema(condition_schema(RFM_FIELDS, attributes=False, title="Segment condition")),
]
"""A condition over RFM scores: r, f, m, fm and rfm."""

AudienceCondition = Annotated[
    Condition,
    BeforeValidator(condition_parser(AUDIENCE_FIELDS, attributes=False)),
    PlainSerializer(_repr, return_type=str),
    WithJsonSchema(condition_schema(AUDIENCE_FIELDS, attributes=False, title="Audience condition")),
]
"""A condition over the stage fields, the stage, the birthday month and expiring points."""


class _Frozen(BaseModel):
    model_config = ConfigDict(
        defer_build=True, frozen=True, extra="forbid", arbitrary_types_allowed=True
    )


class WindowSpec(_Frozen):
    """The window, ending at the moment asked about, over which frequency and monetary count."""

    model_config = ConfigDict(
        defer_build=True,
        json_schema_extra={"oneOf": [{"required": ["days"]}, {"required": ["months"]}]},
    )

    days: Annotated[int, Field(ge=1, le=3660)] | None = None
    """the window's length in days, e.g. ``90``"""
    months: Annotated[int, Field(ge=1, le=120)] | None = None
    """the window's length in months, e.g. ``12``"""

    @model_validator(mode="after")
    def _one(self) -> WindowSpec:
        if (self.days is None) == (self.months is None):
            raise ValueError("give exactly one of 'days' or 'months'")
        return self


class SummarySpec(_Frozen):
    """How purchase histories are summarised: the time unit and what a same-day purchase is."""

    unit: Literal["days", "weeks"] = Field(
        default="days", description="unit of t_x and T in BG/NBD summaries"
    )
    same_day: Literal["merge", "keep"] = Field(
        default="merge",
        description="'merge': all orders of one local day are one purchase occasion; "
        "'keep': every order is an occasion",
    )


class StageSpec(_Frozen):
    """One lifecycle stage: its id, its name and the condition that places a member in it."""

    id: Ident
    """the stage's id, e.g. ``new``"""
    name: Name | None = None
    """the stage's display name, e.g. ``{zh_Hans: 引入期, en: New}``"""
    when: StageCondition | None = Field(
        default=None, description="the condition; only the default stage may leave it out"
    )


class SegmentSpec(_Frozen):
    """One RFM segment: the score cells or ranges it covers."""

    id: Ident
    """the segment's id, e.g. ``champions``"""
    name: Name | None = None
    """the segment's display name, e.g. ``{zh_Hans: 重要价值客户, en: Champions}``"""
    when: SegmentCondition | None = None
    """the scores the segment covers, e.g. ``{r: {'>=': 4}, fm: {'>=': 4}}``"""


class RfmSection(_Frozen):
    """RFM scoring: how many n-tiles, and the named segments (the first that holds wins)."""

    ntiles: Annotated[int, Field(ge=2, le=10)] = 5
    """how many score levels each of R, F and M has, e.g. ``5``"""
    segments: tuple[SegmentSpec, ...] = ()
    """the named segments; the first whose condition holds wins, e.g. ``[{id: champions, when: {r: {'>=': 4}, fm: {'>=': 4}}}]``"""
    default: Ident | None = Field(
        default=None, description="the segment of a member no segment condition holds for"
    )


class BgNbdParams(_Frozen):
    """Fitted BG/NBD parameters (Fader, Hardie & Lee 2005), in the summary's time unit."""

    r: Annotated[float, Field(gt=0, allow_inf_nan=False)]
    """shape of the gamma distribution of purchase rates, e.g. ``0.243``"""
    alpha: Annotated[float, Field(gt=0, allow_inf_nan=False)]
    """scale of the gamma distribution of purchase rates, e.g. ``4.414``"""
    a: Annotated[float, Field(gt=0, allow_inf_nan=False)]
    """first shape of the beta distribution of dropout probabilities, e.g. ``0.793``"""
    b: Annotated[float, Field(gt=0, allow_inf_nan=False)]
    """second shape of the beta distribution of dropout probabilities, e.g. ``2.426``"""


class ParetoNbdParams(_Frozen):
    """Fitted Pareto/NBD parameters (Schmittlein, Morrison & Colombo 1987), in the summary's unit."""

    r: Annotated[float, Field(gt=0, allow_inf_nan=False)]
    """shape of the gamma distribution of purchase rates, e.g. ``0.553``"""
    alpha: Annotated[float, Field(gt=0, allow_inf_nan=False)]
    """scale of the gamma distribution of purchase rates (a time in summary.unit), e.g. ``10.578``"""
    s: Annotated[float, Field(gt=0, allow_inf_nan=False)]
    """shape of the gamma distribution of dropout rates, e.g. ``0.606``"""
    beta: Annotated[float, Field(gt=0, allow_inf_nan=False)]
    """scale of the gamma distribution of dropout rates (a time in summary.unit), e.g. ``11.669``"""


class SpendParams(_Frozen):
    """Fitted gamma-gamma spend parameters (Fader & Hardie); γ is in the programme's currency."""

    p: Annotated[float, Field(gt=0, allow_inf_nan=False)] = Field(
        description="shape of each purchase's spend around the member's mean", examples=[6.25]
    )
    q: Annotated[float, Field(gt=1, allow_inf_nan=False)] = Field(
        description="must exceed 1: the population mean spend γp/(q-1) is infinite otherwise",
        examples=[3.74],
    )
    gamma: Annotated[float, Field(gt=0, allow_inf_nan=False)] = Field(
        description="scale of the members' mean spends, in the programme's currency",
        examples=[15.44],
    )


def _which_parameters(value: object) -> str:
    """Pareto/NBD's parameters are told apart from BG/NBD's by their own names (s, beta), so a
    mistake in them is reported against the model the author meant."""
    if isinstance(value, ParetoNbdParams):
        return "ParetoNbdParams"
    if isinstance(value, dict) and ("s" in value or "beta" in value):
        return "ParetoNbdParams"
    return "BgNbdParams"


PurchaseParams = Annotated[
    Annotated[BgNbdParams, Tag("BgNbdParams")] | Annotated[ParetoNbdParams, Tag("ParetoNbdParams")],
    Discriminator(_which_parameters),
]
"""A purchase model's parameters: (r, alpha, a, b) or (r, alpha, s, beta)."""


class ValueSpec(_Frozen):
    """What a member is worth: a purchase model, a spend model, a horizon and a discount rate.

    Every time here (the parameters' α, ``horizon``, ``step``) is in ``summary.unit``; the
    discount rate is per year whatever the unit.
    """

    model: Literal["bgnbd", "mbgnbd", "pareto_nbd"] = Field(
        description="bgnbd (Fader, Hardie & Lee 2005), mbgnbd (Batislam et al. 2007; a one-time "
        "buyer is not certainly alive) or pareto_nbd (Schmittlein, Morrison & Colombo 1987)",
        examples=["mbgnbd"],
    )
    purchases: PurchaseParams = Field(
        description="the model's parameters fitted in summary.unit: r, alpha, a, b for bgnbd and "
        "mbgnbd; r, alpha, s, beta for pareto_nbd",
        examples=[
            {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426},
            {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669},
        ],
    )
    spend: SpendParams | None = Field(
        default=None,
        description="gamma-gamma p, q, gamma; needed by the clv field",
        examples=[{"p": 6.25, "q": 3.74, "gamma": 15.44}],
    )
    horizon: Annotated[float, Field(gt=0, le=100_000, allow_inf_nan=False)] = Field(
        description="the period, in summary.unit, of expected_purchases and clv",
        examples=[52],
    )
    step: Annotated[float, Field(gt=0, le=100_000, allow_inf_nan=False)] = Field(
        default=1, description="the discounting step of clv, in summary.unit", examples=[4]
    )
    discount_rate: Annotated[float, Field(ge=0, lt=10, allow_inf_nan=False)] = Field(
        default=0,
        description="the yearly discount rate of clv (0.1 = 10% a year)",
        examples=[0.1],
    )

    @model_validator(mode="after")
    def _parameters_of_the_model(self) -> ValueSpec:
        pareto = self.model == "pareto_nbd"
        if pareto != isinstance(self.purchases, ParetoNbdParams):
            wanted = "r, alpha, s, beta" if pareto else "r, alpha, a, b"
            raise ValueError(f"model {self.model} takes purchases {{{wanted}}}")
        return self


class AudienceSpec(_Frozen):
    """A named audience (精准邀请): the members a campaign invites."""

    id: Ident
    """the audience's id, e.g. ``gold-active``"""
    name: Name | None = None
    """the audience's display name, e.g. ``{zh_Hans: 活跃金卡, en: Active gold}``"""
    when: AudienceCondition
    """who is in the audience, e.g. ``{tier: [gold], activity_recency_days: {'<=': 90}}``"""
    expiring_within_days: Annotated[int, Field(ge=1, le=3660)] = Field(
        default=30, description="the horizon of the points_expiring field"
    )


class LifecycleSection(_Frozen):
    """The lifecycle section: stages, RFM, BG/NBD and audiences; every part is optional."""

    model_config = ConfigDict(
        defer_build=True,
        json_schema_extra={
            # value's parameters, horizon and step are in summary.unit: it must be stated.
            "if": {"required": ["value"]},
            "then": {"required": ["summary"], "properties": {"summary": {"required": ["unit"]}}},
        },
    )

    window: WindowSpec = Field(default_factory=lambda: WindowSpec(months=12))
    """the window frequency and monetary are counted over, e.g. ``{months: 12}``"""
    churn_gap_days: Annotated[int, Field(ge=1, le=3660)] = Field(
        default=180,
        description="a gap of at least this many days between two purchases means the member "
        "had lapsed (was_churned)",
    )
    summary: SummarySpec = Field(default_factory=SummarySpec)
    """how purchase histories are summarised, e.g. ``{unit: days, same_day: merge}``"""
    stages: tuple[StageSpec, ...] = ()
    """the lifecycle stages; the first whose condition holds wins, e.g. ``[{id: new, when: {purchases: {'<=': 1}}}]``"""
    default: Ident | None = Field(
        default=None, description="the stage of a member no stage condition holds for"
    )
    order: tuple[Ident, ...] = Field(
        default=(),
        description="every stage id once, in the order a member moves through them (e.g. new, "
        "growing, mature, dormant, churned, won_back); reports list stages in this order, while "
        "`stages` keeps the order the conditions are tried in. Left out: reports follow `stages`",
    )
    rfm: RfmSection | None = None
    """RFM scoring and segments, e.g. ``{ntiles: 5, segments: [...], default: lost}``"""
    bgnbd: BgNbdParams | None = None
    """fitted BG/NBD parameters, for p_alive and expected purchases, e.g. ``{r: 0.243, alpha: 4.414, a: 0.793, b: 2.426}``"""
    value: ValueSpec | None = None
    """member value: a purchase model (BG/NBD, MBG/NBD or Pareto/NBD), a spend model, a horizon and a yearly discount rate, for ``p_alive``, ``expected_purchases`` and ``clv``, e.g. ``{model: bgnbd, purchases: {r: 0.243, alpha: 4.414, a: 0.793, b: 2.426}, horizon: 52}``"""
    audiences: tuple[AudienceSpec, ...] = ()
    """named audiences campaigns invite (精准邀请), e.g. ``[{id: gold-active, when: {tier: gold}}]``"""

    @model_validator(mode="after")
    def _one_purchase_model(self) -> LifecycleSection:
        if self.bgnbd is not None and self.value is not None:
            raise ValueError(
                "give either 'bgnbd' or 'value' (whose 'purchases' are the model's parameters), "
                "not both"
            )
        return self

    @model_validator(mode="after")
    def _value_states_its_unit(self) -> LifecycleSection:
        if self.value is not None and (
            "summary" not in self.model_fields_set or "unit" not in self.summary.model_fields_set
        ):
            raise ValueError(
                "the value model's parameters, horizon and step are in summary.unit: state it "
                "(summary: {unit: days} or {unit: weeks}), so parameters fitted in weeks are "
                "never read as days"
            )
        return self
