"""Figures in a window: named counts and sums of the member's history that conditions read.

A policy names them once, at the top level, with a measure and a window::

    figures:
      orders_this_month: {measure: orders, window: calendar_month}
      segments_this_year:
        measure: {of: sum, kind: flight, field: attr.segments}
        window: calendar_year

and any earning, redemption or benefit condition reads them as ``figure.<name>``
(``when: {figure.orders_this_month: 5}`` is "the 5th order this month"). A measure is the tiers
part's: a name (``spend``, ``orders`` or one of ``tiers.measures``) or written in place, and the
window is written as the tiers' window is, so "orders" counts the same in a tier threshold and
in a condition. A figure counts what happened by the moment asked about, that moment included:
the order being judged counts itself. Refunds dated by then are deducted, as for tiers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field

from ._compiled_base import did_you_mean
from ._paths import Finding, Path, format_path
from ._program import Ident, Name, ProgramInfo, localized
from .rules import Compare, Condition, compile_condition
from .rules._fields import FIGURE_PREFIX
from .tiers._compile import BUILTIN_MEASURES
from .tiers._compiled_measure import CompiledMeasure, joins_of, posting_of
from .tiers._model import MeasureSpec, Window, WindowSpec
from .tiers._windows import window_span

if TYPE_CHECKING:
    from ._state import MemberState

__all__ = [
    "CompiledFigure",
    "FigureSpec",
    "Figures",
    "check_figures",
    "compile_figures",
    "conditions_in",
    "figure_days",
    "figure_references",
    "window_days",
]


class FigureSpec(BaseModel):
    """A named figure: a measure counted over a window that holds the moment asked about."""

    model_config = ConfigDict(
        defer_build=True, frozen=True, extra="forbid", arbitrary_types_allowed=True
    )

    measure: Annotated[str, Field(min_length=1, max_length=64)] | MeasureSpec = Field(
        description="what is counted: spend, orders, a name from tiers.measures, or a measure "
        "written in place, e.g. ``orders`` or ``{of: sum, kind: flight, field: attr.segments}``"
    )
    window: Window = Field(
        description="the window holding the moment asked about, as the tiers' window is "
        "written, e.g. ``calendar_month``, ``calendar_year`` or ``{rolling_days: 30}``"
    )
    name: Name | None = None
    """the figure's display name in explanations, e.g. ``{zh_Hans: 本月订单数, en: orders this month}``"""


Figures = Mapping[Ident, FigureSpec]
"""The policy's ``figures:`` section: figure name to its measure and window."""


@dataclass(frozen=True, slots=True)
class CompiledFigure:
    """One figure ready to count: its measure, window and the programme's currency."""

    name: str
    measure: CompiledMeasure
    window: WindowSpec
    currency: str
    whole_days: bool

    @property
    def field(self) -> str:
        """The condition field that reads the figure."""
        return f"{FIGURE_PREFIX}{self.name}"

    def value(self, state: MemberState, local_at: datetime) -> Decimal:
        """The figure over the window holding ``local_at``, counting what happened by then."""
        # The counting reads the member state: imported when a figure is first counted, so the
        # loader (which compiles figures) does not import the state.
        from .tiers._measures import figures

        tz = local_at.tzinfo
        assert tz is not None
        span = window_span(
            self.window, local_at, state.joined_at.astimezone(tz), None, whole_days=self.whole_days
        )
        found = figures(
            {self.name: self.measure}, state, span, local_at, tz, currency=self.currency
        )
        return found[self.name]


def _measure_spec(
    spec: FigureSpec, declared: Mapping[str, MeasureSpec]
) -> tuple[str | None, MeasureSpec | None]:
    if isinstance(spec.measure, MeasureSpec):
        return None, spec.measure
    return spec.measure, declared.get(spec.measure)


def _declared(tier_measures: Mapping[str, MeasureSpec] | None) -> dict[str, MeasureSpec]:
    return {**BUILTIN_MEASURES, **(tier_measures or {})}


def compile_figures(
    section: Figures | None,
    info: ProgramInfo,
    tier_measures: Mapping[str, MeasureSpec] | None,
) -> tuple[CompiledFigure, ...]:
    """Compile the checked ``figures:`` section once, at load time."""
    if not section:
        return ()
    declared = _declared(tier_measures)
    out: list[CompiledFigure] = []
    for name, spec in section.items():
        named, measure = _measure_spec(spec, declared)
        assert measure is not None
        path = format_path(("figures", name))
        label = (
            localized(spec.name, info.locale, name) if spec.name else localized(None, "en", name)
        )
        out.append(
            CompiledFigure(
                name=name,
                measure=CompiledMeasure(
                    name=named or name,
                    label=label,
                    of=measure.of,
                    currency=measure.currency,
                    kind=measure.kind,
                    field=measure.field,
                    predicate=(
                        compile_condition(measure.where, info.tz)
                        if measure.where is not None
                        else None
                    ),
                    path=path,
                    unit=measure.unit,
                    joins=joins_of(measure),
                    posts=posting_of(measure),
                ),
                window=spec.window,
                currency=info.currency,
                whole_days=info.time_basis == "days",
            )
        )
    return tuple(out)


def check_figures(
    section: Figures | None,
    tier_measures: Mapping[str, MeasureSpec] | None,
    currency_ids: tuple[str, ...],
) -> list[Finding]:
    """Problems of the ``figures:`` section: unknown measures and currencies (``currency_ids``:
    every points currency of the policy), windows a figure cannot read."""
    findings: list[Finding] = []
    declared = _declared(tier_measures)
    for name, spec in (section or {}).items():
        base: Path = ("figures", name)
        named, measure = _measure_spec(spec, declared)
        if measure is None:
            hint = did_you_mean(str(named), sorted(declared))
            findings.append(
                Finding(
                    (*base, "measure"),
                    f"unknown measure '{named}'{hint or '.'} A figure counts spend, orders, a measure "
                    "declared in tiers.measures, or one written in place, e.g. "
                    "{of: activities, kind: checkin}",
                    "unknown_measure",
                )
            )
        elif measure.of == "points" and measure.currency not in currency_ids:
            hint = did_you_mean(str(measure.currency), list(currency_ids))
            known = ", ".join(currency_ids) or "none: the policy has no points section"
            findings.append(
                Finding(
                    (*base, "measure", "currency"),
                    f"unknown points currency '{measure.currency}'{hint or '.'} The policy's "
                    f"currencies: {known}",
                    "unknown_currency",
                )
            )
        for path, condition in conditions_in(spec.measure, (*base, "measure")):
            findings.extend(
                Finding(
                    (*path, *node.path),
                    f"a figure's 'where' reads each order or activity counted, not other "
                    f"figures: remove '{node.field}' here and test it where the figure is read",
                    "figure_in_figure",
                )
                for node in condition.walk()
                if isinstance(node, Compare) and node.field.startswith(FIGURE_PREFIX)
            )
        if spec.window.kind == "membership_year" and spec.window.start != "join":
            # A figure is read by earning and benefits, which know nothing of upgrades.
            findings.append(
                Finding(
                    (*base, "window"),
                    "a figure's membership year counts from joining: write membership_year "
                    "(a tier window may count from the last upgrade; a figure cannot)",
                    "figure_window",
                )
            )
    return findings


def figure_references(
    conditions: Iterable[tuple[Path, Condition]], names: Iterable[str]
) -> list[Finding]:
    """A finding for each ``figure.<name>`` a condition reads that the policy does not declare."""
    known = sorted(names)
    findings: list[Finding] = []
    for path, condition in conditions:
        for node in condition.walk():
            if not (isinstance(node, Compare) and node.field.startswith(FIGURE_PREFIX)):
                continue
            name = node.field[len(FIGURE_PREFIX) :]
            if name in known:
                continue
            hint = did_you_mean(name, known)
            findings.append(
                Finding(
                    (*path, *node.path),
                    f"unknown figure '{name}'{hint or '.'} A figure is declared under figures:, e.g. "
                    f"{{{name}: {{measure: orders, window: calendar_month}}}}",
                    "unknown_figure",
                )
            )
    return findings


def conditions_in(node: object, path: Path = ()) -> Iterable[tuple[Path, Condition]]:
    """Every parsed condition in a validated document (or part of it), with its policy path.

    Only the fields whose declared type can hold a condition are walked (``_walked``), and text,
    numbers and dates are passed over: a large policy is mostly those.
    """
    if isinstance(node, Condition):
        yield path, node
    elif isinstance(node, BaseModel):
        for key, alias in _walked(type(node)):
            value = getattr(node, key)
            if type(value) not in _LEAVES:
                yield from conditions_in(value, (*path, alias))
    elif isinstance(node, Mapping):
        for key, value in node.items():
            if type(value) not in _LEAVES:
                yield from conditions_in(value, (*path, key))
    elif isinstance(node, tuple | list):
        for index, value in enumerate(node):
            if type(value) not in _LEAVES:
                yield from conditions_in(value, (*path, index))


_LEAVES: frozenset[type] = frozenset({str, int, float, bool, Decimal, date, datetime, type(None)})
"""Values that never hold a condition."""


@cache
def _walked(model: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    """(field, the name it is written under) for each of ``model``'s fields whose type may hold a
    condition."""
    return tuple(
        (key, info.alias or key)
        for key, info in model.model_fields.items()
        if _may_hold_condition(info.annotation)
    )


def _may_hold_condition(annotation: object) -> bool:
    """Whether a value of this declared type can be, or contain, a condition (True when unsure)."""
    if annotation in _LEAVES or annotation is Any:
        return annotation is Any
    origin = get_origin(annotation)
    if origin is Literal:
        return False
    if origin is Annotated:
        return _may_hold_condition(get_args(annotation)[0])
    if origin is not None:
        return any(_may_hold_condition(a) for a in get_args(annotation) if a is not Ellipsis)
    return not (isinstance(annotation, type) and issubclass(annotation, Enum))


def figure_days(figures_: Iterable[CompiledFigure]) -> tuple[int | None, bool]:
    """(days of orders and activities the figures read, None for the whole membership; whether
    any reads points from the journal)."""
    days: int | None = 0
    reads_points = False
    for figure in figures_:
        reads_points = reads_points or figure.measure.of == "points"
        wanted = window_days(figure.window)
        days = None if wanted is None or days is None else max(days, wanted)
    return days, reads_points


_YEAR = 366
_MONTH = 31


def window_days(window: WindowSpec) -> int | None:
    """How many days back a window reaches from the moment asked about (None: no limit)."""
    kind, n = window.kind, window.n
    if kind in ("calendar_year", "membership_year"):
        return _YEAR
    if kind == "calendar_quarter":
        return 92
    if kind == "calendar_month":
        return _MONTH
    if kind == "rolling_months":
        return n * _MONTH + 1
    if kind == "rolling_days":
        return n
    if kind == "full_months":
        return (n + 1) * _MONTH
    return None
