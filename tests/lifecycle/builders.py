"""Builders for the lifecycle tests: policies with a `lifecycle:` section, members with orders.

Members are built directly as states (orders, activities, a tier history) rather than through the
engine, so a test states a purchase history in one line and pins the lifecycle part alone.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import yaml
from tests.builders import at

import memberkit
from memberkit import MemberState, Policy
from memberkit._compiled import CompiledProgram
from memberkit._compiled_base import CheckContext
from memberkit._paths import Finding
from memberkit._program import ProgramInfo, ProgramSection
from memberkit._state import ActivityRecord, LineRecord, OrderRecord
from memberkit.lifecycle import LifecycleSection
from memberkit.lifecycle._compile import check_lifecycle, compile_lifecycle
from memberkit.points._state import JournalEntry, PointsState
from memberkit.policy import PolicyDocument
from memberkit.tiers._state import TierChange, TierState

TIERS = ("basic", "silver", "gold", "platinum")
RETAIL = Path(memberkit.__file__).parent / "examples" / "retail.yaml"


class _Loader(yaml.SafeLoader):
    """YAML as the policy loader reads it: exact decimals, dates left as text."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_constructor(
    "tag:yaml.org,2002:float",
    lambda loader, node: Decimal(loader.construct_scalar(node)),  # type: ignore[arg-type]
)

_PROGRAM = ProgramSection(id="test", currency="CNY", timezone="Asia/Shanghai", locale="zh_Hans")


def section(body: str) -> LifecycleSection:
    """The lifecycle section validated from YAML."""
    return LifecycleSection.model_validate(yaml.load(body, Loader=_Loader) or {})


def findings(body: str, *, tiers: tuple[str, ...] = TIERS) -> list[Finding]:
    """What the cross-checks say about a lifecycle section."""
    parsed = section(body)
    info = ProgramInfo.from_section(_PROGRAM)
    stage_ids = tuple(s.id for s in parsed.stages)
    return check_lifecycle(parsed, CheckContext(info=info, tier_ids=tiers, stage_ids=stage_ids))


def lifecycle_policy(body: str, *, tiers: tuple[str, ...] = TIERS) -> Policy:
    """A policy whose only part is the lifecycle section ``body`` (YAML), checked and compiled."""
    parsed = section(body)
    info = ProgramInfo.from_section(_PROGRAM)
    ctx = CheckContext(info=info, tier_ids=tiers, stage_ids=tuple(s.id for s in parsed.stages))
    problems = check_lifecycle(parsed, ctx)
    assert problems == [], problems
    compiled = compile_lifecycle(parsed, info, ctx)
    document = PolicyDocument(memberkit=1, program=_PROGRAM, lifecycle=parsed)
    version = CompiledProgram(info=info, tiers=None, points=None, benefits=None, lifecycle=compiled)
    return Policy(source="lifecycle.yaml", document=document, versions=(version,))


def retail_policy() -> Policy:
    """The retail example's lifecycle section, with the retail ladder's tier ids."""
    data = yaml.load(RETAIL.read_text(encoding="utf-8"), Loader=_Loader)
    return lifecycle_policy(yaml.safe_dump(data["lifecycle"], allow_unicode=True))


def order(
    order_id: str, when: datetime, amount: str = "100", *, refunded: bool = False
) -> OrderRecord:
    """An order of one line; ``refunded`` gives all of it back."""
    value = Decimal(amount)
    line = LineRecord(
        id="l1",
        sku="sku",
        category="general",
        quantity=1,
        amount=value,
        refunded_quantity=1 if refunded else 0,
        refunded_amount=value if refunded else Decimal(0),
    )
    return OrderRecord(id=order_id, at=when, currency="CNY", lines=(line,))


def shopper(
    *purchases: datetime | tuple[datetime, str],
    member_id: str = "m1",
    joined: datetime | None = None,
    tier: str | None = None,
    birthday: date | None = None,
    activities: tuple[datetime, ...] = (),
    journal: tuple[JournalEntry, ...] = (),
) -> MemberState:
    """A member who placed an order (100 CNY unless an amount is given) at each moment."""
    orders = []
    for index, item in enumerate(purchases):
        when, amount = item if isinstance(item, tuple) else (item, "100")
        orders.append(order(f"{member_id}-o{index}", when, amount))
    since = joined or at(2024, 1, 1, 0, 0)
    state = memberkit.new_member(member_id, since, birthday=birthday)
    state = state.evolve(
        orders=tuple(orders),
        activities=tuple(
            ActivityRecord(id=f"{member_id}-a{i}", at=when, kind="check_in")
            for i, when in enumerate(activities)
        ),
        points=PointsState(journal=journal),
    )
    if tier is not None:
        state = state.evolve(tiers=TierState((TierChange(since, tier, "initial"),)))
    return state


def entry(when: datetime, kind: str, points: int, currency: str = "points") -> JournalEntry:
    """A journal entry of ``points`` (signed) of ``kind``."""
    return JournalEntry(
        at=when, event_id=f"{kind}-{when.isoformat()}", currency=currency, kind=kind, points=points
    )


RETAIL_VALUE = """\
  value:
    model: mbgnbd
    purchases: {r: 0.525, alpha: 43.3, a: 0.891, b: 1.614}
    spend: {p: 6.25, q: 3.74, gamma: 100}
    horizon: 364
    step: 28
    discount_rate: 0.1
"""
"""A ``lifecycle.value`` section for the retail example (days; CDNOW's MBG/NBD with α in days)."""


def retail_with_value(folder: Path) -> Path:
    """The retail example with RETAIL_VALUE and a first stage for valuable members gone quiet,
    written to ``folder``: a policy file with member value for the command line."""
    text = RETAIL.read_text(encoding="utf-8")
    summary = "  summary: {unit: days, same_day: merge}"
    assert summary in text
    text = text.replace(summary, RETAIL_VALUE + summary, 1)
    stages = "  stages:\n"
    win_back = (
        "    - id: value_win_back\n"
        "      name: {zh_Hans: 高价值待挽回, zh_Hant: 高價值待挽回, en: Valuable gone quiet}\n"
        '      when: {all: [{clv: {">=": 100}}, {p_alive: {"<": 0.5}}]}\n'
    )
    text = text.replace(stages, stages + win_back, 1)
    text = text.replace("  order: [new,", "  order: [value_win_back, new,", 1)
    path = folder / "retail_value.yaml"
    path.write_text(text, encoding="utf-8")
    return path
