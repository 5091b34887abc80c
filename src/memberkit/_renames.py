"""Renamed tiers and currencies: members carried to the ids a new edition uses.

Two moments apply a policy's ``renames:`` (docs/policy.md, "Renames"):

- **A version's start** (an agenda item, ``carry_over``): members holding a tier the version
  renames enter the new tier at that moment, a change recorded with the reason ``renamed``
  (``tier.renamed``); points of a renamed currency carry on under the new id with their dates and
  amounts, the journal and every record of them following (``points.currency_renamed``).
- **Reading a state** (``read_through``): a state stored under an earlier edition of the file
  may hold ids the edition in force no longer has; they are read through every rename up to it,
  silently, as if the state had been written with today's ids. An id no rename explains is a
  ``StateError`` naming the member and the id, never a ``KeyError`` deep in a query.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from ._compiled import CompiledProgram, Renames
from ._errors import StateError
from ._evolve import replace
from ._reasons import Reason
from ._state import MemberState
from .points._ledger import currencies_of
from .points._state import CapUse, JournalEntry, Lot, PointsState, RedemptionRecord
from .tiers._state import TierChange, TierState

__all__ = ["carry_over", "held_ids", "read_through"]

_UPGRADE_LOT = "/upgrade"


def carry_over(
    before: CompiledProgram,
    now: CompiledProgram,
    state: MemberState,
    moment: datetime,
    reasons: list[Reason],
) -> MemberState:
    """The member moved to the ids of the version starting at ``moment`` (its ``renames:``)."""
    step = now.renames
    if not step:
        return state
    tiers = state.tiers
    if step.tiers and tiers.history:
        last = tiers.history[-1]
        tiers = _tier_refs(tiers, step.tiers)
        if last.tier in step.tiers:
            new = step.tiers[last.tier]
            change = TierChange(moment, new, "renamed", last.valid_until)
            tiers = replace(tiers, history=(*tiers.history, change))
            reasons.append(
                Reason.of(
                    "tier.renamed",
                    _tier_path(now, new),
                    previous=_tier_name(before, last.tier),
                    tier=_tier_name(now, new),
                    on=now.info.local_date(moment),
                )
            )
        earned = tiers.earned[-1] if tiers.earned else None
        if earned is not None and earned.tier in step.tiers:
            renamed = TierChange(moment, step.tiers[earned.tier], "renamed", earned.valid_until)
            tiers = replace(tiers, earned=(*tiers.earned, renamed))
    points = state.points
    if step.currencies:
        for old, new in step.currencies.items():
            held = sum(
                (lot.remaining for lot in points.lots if lot.currency == old and not lot.expired),
                0,
            )
            if held or any(e.currency == old for e in points.earnings):
                reasons.append(
                    Reason.of(
                        "points.currency_renamed",
                        _currency_path(now, new),
                        previous=_currency_name(before, old),
                        currency=_currency_name(now, new),
                        points=held,
                        on=now.info.local_date(moment),
                    )
                )
        points = _points(points, step.currencies, moment)
    return state.evolve(tiers=tiers, points=points)


def held_ids(state: MemberState) -> tuple[set[str], set[str]]:
    """The tier ids and currency ids a state holds that decisions read (history aside)."""
    ts = state.tiers
    tiers = {g.tier for g in ts.grants}
    for change in (
        ts.history[-1] if ts.history else None,
        ts.earned[-1] if ts.earned else None,
        ts.pending,
    ):
        if change is not None:
            tiers.add(change.tier)
    if ts.lifetime is not None:
        tiers.add(ts.lifetime)
    tiers.update(u.tier for u in ts.upgrades_due)
    ps = state.points
    # Runs before every query: the currencies of each history tuple are worked out once per
    # tuple (a lot credited extends its tuple's set), with attribute maps keeping the scan in C.
    currencies = set(currencies_of(ps.lots))
    currencies.update(currencies_of(ps.earnings))
    currencies.update(currencies_of(ps.redemptions))
    currencies.update(c for c, _ in ps.debt)
    currencies.update(c for c, _ in ps.closed)
    return tiers, currencies


def read_through(program: CompiledProgram, state: MemberState) -> MemberState:
    """The state with ids ``program`` no longer has read through its renames.

    Raises StateError for a held tier or currency no rename explains.
    """
    tiers, currencies = held_ids(state)
    ct, cp = program.tiers, program.points
    unknown_tiers = set() if ct is None else tiers - set(ct.by_id)
    unknown_currencies = set() if cp is None else currencies - set(cp.by_id)
    if not unknown_tiers and not unknown_currencies:
        return state
    tier_ids: tuple[str, ...] = tuple(ct.by_id) if ct is not None else ()
    currency_ids: tuple[str, ...] = tuple(cp.by_id) if cp is not None else ()
    known_tiers, known_currencies = set(tier_ids), set(currency_ids)
    # Only a rename that lands on an id this edition has explains a held id.
    tier_reads = {a: b for a, b in program.reads.tiers.items() if b in known_tiers}
    currency_reads = {a: b for a, b in program.reads.currencies.items() if b in known_currencies}
    _refuse(
        state,
        (
            ("tier", "tiers", unknown_tiers - set(tier_reads), tier_ids),
            (
                "points currency",
                "currencies",
                unknown_currencies - set(currency_reads),
                currency_ids,
            ),
        ),
    )
    mapping = Renames(
        tiers={a: b for a, b in tier_reads.items() if a not in known_tiers},
        currencies={a: b for a, b in currency_reads.items() if a not in known_currencies},
    )
    ts = state.tiers
    if mapping.tiers:
        ts = _tier_refs(ts, mapping.tiers)
        ts = replace(
            ts,
            history=tuple(_change(c, mapping.tiers) for c in ts.history),
            earned=tuple(_change(c, mapping.tiers) for c in ts.earned),
        )
    points = state.points
    if mapping.currencies:
        points = _points(points, mapping.currencies, None)
    return state.evolve(tiers=ts, points=points)


def _refuse(
    state: MemberState, kinds: tuple[tuple[str, str, set[str], tuple[str, ...]], ...]
) -> None:
    """Raise StateError naming every held id no rename explains, and the renames to write."""
    import difflib

    held: list[str] = []
    lists: list[str] = []
    written: list[str] = []
    for word, key, unknown, known in kinds:
        if not unknown:
            continue
        pairs: list[str] = []
        for name in sorted(unknown):
            close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            held.append(f"the {word} '{name}'{hint}")
            pairs.append(f"{name}: {close[0] if close else '<' + word.split()[-1] + '>'}")
        lists.append(f"its {key}: {', '.join(known)}")
        written.append(f"{key}: {{{', '.join(pairs)}}}")
    if not held:
        return
    raise StateError(
        f"member {state.member_id!r} holds {' and '.join(held)}, which the policy does not "
        f"have ({'; '.join(lists)}); if the policy renamed them, say where they went at the top "
        f"level of the policy: renames: {{{', '.join(written)}}}"
    )


def _change(change: TierChange, mapping: Mapping[str, str]) -> TierChange:
    new = mapping.get(change.tier)
    return change if new is None else replace(change, tier=new)


def _tier_refs(ts: TierState, mapping: Mapping[str, str]) -> TierState:
    """Grants, an announced downgrade or upgrade and a lifetime tier follow the rename (history
    stays)."""
    return replace(
        ts,
        upgrades_due=tuple(
            replace(u, tier=mapping[u.tier]) if u.tier in mapping else u for u in ts.upgrades_due
        ),
        grants=tuple(
            replace(g, tier=mapping[g.tier]) if g.tier in mapping else g for g in ts.grants
        ),
        pending=None if ts.pending is None else _change(ts.pending, mapping),
        lifetime=mapping.get(ts.lifetime, ts.lifetime) if ts.lifetime is not None else None,
    )


def _lot_id(lot_id: str, old: str, new: str) -> str:
    # Lots are named "<event>/<currency>" (and "<event>/<currency>/upgrade" for an upgrade
    # bonus); a refund finds its order's lot by that name, so the name follows the currency.
    for tail in (f"/{old}", f"/{old}{_UPGRADE_LOT}"):
        if lot_id.endswith(tail):
            return lot_id[: -len(tail)] + tail.replace(f"/{old}", f"/{new}", 1)
    return lot_id


def _points(ps: PointsState, mapping: Mapping[str, str], moment: datetime | None) -> PointsState:
    def lot(item: Lot) -> Lot:
        new = mapping.get(item.currency)
        if new is None:
            return item
        return replace(item, id=_lot_id(item.id, item.currency, new), currency=new)

    def entry(item: JournalEntry) -> JournalEntry:
        new = mapping.get(item.currency)
        if new is None:
            return item
        rule = _lot_id(item.rule, item.currency, new) if item.kind == "expire" else item.rule
        return replace(item, currency=new, rule=rule)

    def cap(item: CapUse) -> CapUse:
        prefix, _, currency = item.rule.partition(".")
        if prefix == "currency" and currency in mapping:
            return replace(item, rule=f"currency.{mapping[currency]}")
        return item

    def redemption(item: RedemptionRecord) -> RedemptionRecord:
        new = mapping.get(item.currency)
        if new is None:
            return item
        taken = tuple((_lot_id(lot_id, item.currency, new), n) for lot_id, n in item.taken)
        return replace(item, currency=new, taken=taken)

    journal = tuple(entry(e) for e in ps.journal)
    if moment is not None:
        # A mark in the journal: 0 points moved, the old id kept in ``rule`` for statements.
        journal += tuple(
            JournalEntry(moment, "", new, "rename", 0, old) for old, new in mapping.items()
        )
    return replace(
        ps,
        journal=journal,
        lots=tuple(lot(x) for x in ps.lots),
        earnings=tuple(
            replace(e, currency=mapping[e.currency]) if e.currency in mapping else e
            for e in ps.earnings
        ),
        cap_uses=tuple(cap(c) for c in ps.cap_uses),
        redemptions=tuple(redemption(r) for r in ps.redemptions),
        debt=tuple((mapping.get(c, c), owed) for c, owed in ps.debt),
        closed=tuple((mapping.get(c, c), at) for c, at in ps.closed),
    )


def _tier_path(program: CompiledProgram, tier: str) -> str:
    ct = program.tiers
    return ct.by_id[tier].path if ct is not None and tier in ct.by_id else "tiers"


def _tier_name(program: CompiledProgram, tier: str) -> object:
    ct = program.tiers
    return ct.by_id[tier].name if ct is not None and tier in ct.by_id else tier


def _currency_path(program: CompiledProgram, currency: str) -> str:
    cp = program.points
    return cp.by_id[currency].path if cp is not None and currency in cp.by_id else "points"


def _currency_name(program: CompiledProgram, currency: str) -> object:
    cp = program.points
    return cp.by_id[currency].name if cp is not None and currency in cp.by_id else currency
