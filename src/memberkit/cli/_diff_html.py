"""The diff report as one self-contained HTML file: inline CSS and SVG charts, no network.

Every heading and label is in the chosen locale (the ``report`` catalogue); the ``data-card`` and
``data-chart`` attributes stay stable English keys for tools.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from html import escape

from .._reasons import LocalizedText
from ..testing._held import HeldChange
from ..testing._impact import Impact
from ..testing._structure import Change
from ._words import say

__all__ = ["diff_html"]

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI","PingFang SC","Noto Sans CJK SC",sans-serif;
margin:2rem auto;max-width:60rem;color:#1f2933;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d9e2ec}
table{border-collapse:collapse;width:100%;font-size:.9rem}
td,th{border-bottom:1px solid #e4e7eb;padding:.3rem .5rem;text-align:left;vertical-align:top}
code{font-size:.85rem}.added{color:#1b7f3b}.removed{color:#b42318}.changed{color:#8a5a00}
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #d9e2ec;border-radius:6px;
padding:.6rem 1rem;min-width:9rem}.card b{display:block;font-size:1.4rem}
figure{margin:1rem 0}figcaption{font-size:.85rem;color:#52606d}
"""


def _num(value: Decimal | int) -> str:
    text = format(Decimal(value).normalize(), "f") if value == int(value) else str(value)
    return escape(text)


def _bars(
    title: str, rows: Sequence[tuple[str, Sequence[tuple[str, Decimal | int, str]]]], chart: str
) -> str:
    """A horizontal grouped bar chart: for each row label, one bar per (name, value, colour)."""
    top = max([abs(Decimal(v)) for _, bars in rows for _, v, _ in bars] + [Decimal(1)])
    bar_h, gap, label_w, width = 16, 10, 170, 560
    height = sum(len(bars) * bar_h + gap for _, bars in rows) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'data-chart="{escape(chart)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">'
    ]
    y = 5
    for label, bars in rows:
        parts.append(
            f'<text x="0" y="{y + bar_h - 3}" font-size="12" fill="#1f2933">{escape(label)}</text>'
        )
        for name, value, colour in bars:
            length = int((width - label_w - 80) * abs(Decimal(value)) / top)
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{max(length, 1)}" height="{bar_h - 2}" '
                f'fill="{colour}"><title>{escape(name)}: {_num(value)}</title></rect>'
                f'<text x="{label_w + length + 4}" y="{y + bar_h - 4}" font-size="11" '
                f'fill="#52606d">{escape(name)} {_num(value)}</text>'
            )
            y += bar_h
        y += gap
    parts.append("</svg>")
    return f"<figure>{''.join(parts)}<figcaption>{escape(title)}</figcaption></figure>"


def _structure(changes: Sequence[Change], locale: str) -> str:
    if not changes:
        none = say(locale, "report.diff.no_structure")
        return f"<p>{escape(none)}</p>"
    kinds = {kind: say(locale, code) for kind, code in _KIND_WORDS.items()}
    rows = "".join(
        f'<tr><td class="{c.kind}">{escape(kinds.get(c.kind, c.kind))}</td>'
        f"<td><code>{escape(c.path)}</code></td>"
        f"<td>{escape(c.old_at or '')}</td><td>{escape(c.new_at or '')}</td>"
        f"<td><code>{escape(_short(c.old))}</code></td><td><code>{escape(_short(c.new))}</code></td></tr>"
        for c in changes
    )
    head = "".join(f"<th>{escape(say(locale, code))}</th>" for code in _COLUMNS)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


_KIND_WORDS = {
    "added": "report.diff.kind.added",
    "changed": "report.diff.kind.changed",
    "removed": "report.diff.kind.removed",
}
_COLUMNS = (
    "report.diff.column.change",
    "report.diff.column.path",
    "report.diff.column.old_at",
    "report.diff.column.new_at",
    "report.diff.column.old",
    "report.diff.column.new",
)
_CARDS = (
    # (data-card key, stable for tools and tests; the label's text code)
    ("members", "report.diff.card.members"),
    ("decisions changed", "report.diff.card.changed"),
    ("tier up", "report.diff.card.tier_up"),
    ("tier down", "report.diff.card.tier_down"),
    ("errors", "report.diff.card.errors"),
)


def _held(held: Sequence[HeldChange], impact: Impact | None, locale: str) -> str:
    def t(code: str, **params: object) -> str:
        return escape(say(locale, code, **params))

    dropped = t("report.diff.held_dropped")
    rows = "".join(
        f'<tr data-held="{escape(c.kind)}"><td>{escape(c.kind)}</td>'
        f"<td><code>{escape(c.old)}</code></td>"
        f"<td>{'<code>' + escape(c.new) + '</code>' if c.new else dropped}</td>"
        f"<td>{escape(c.at.isoformat()) if c.at else ''}</td><td><code>{escape(c.path)}</code></td>"
        f"<td>{impact.held[i] if impact is not None else ''}</td></tr>"
        for i, c in enumerate(held)
    )
    head = "".join(
        f"<th>{t(code)}</th>"
        for code in (
            "report.diff.held_kind",
            "report.diff.held_old",
            "report.diff.held_new",
            "report.diff.held_from",
            "report.diff.held_where",
            "report.diff.held_members",
        )
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _short(value: object) -> str:
    text = "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 80 else text[:77] + "..."


def _named(names: Mapping[str, LocalizedText], key: str, locale: str) -> str:
    name = names.get(key)
    return name.get(locale) if name is not None else key


def diff_html(
    old: str,
    new: str,
    as_of: datetime | None,
    changes: Sequence[Change],
    impact: Impact | None,
    *,
    locale: str = "en",
    tier_names: Mapping[str, LocalizedText] | None = None,
    benefit_names: Mapping[str, LocalizedText] | None = None,
    held: Sequence[HeldChange] = (),
) -> str:
    """The whole report in ``locale``: structure table, impact cards and charts, examples.

    Tiers and benefits are shown by their names (``tier_names``, ``benefit_names``), not ids.
    """
    tiers = tier_names or {}
    benefits = benefit_names or {}

    def t(code: str, **params: object) -> str:
        return escape(say(locale, code, **params))

    title = t("report.diff.title", old=old, new=new)
    structure = t("report.diff.structure", changes=len(changes))
    body = [f"<h1>{title}</h1>", f"<h2>{structure}</h2>", _structure(changes, locale)]
    if held:
        heading = t("report.diff.held", count=len(held))
        body += [f"<h2>{heading}</h2>", _held(held, impact, locale)]
    if impact is not None:
        heading = t("report.diff.impact", members=impact.members, as_of=as_of)
        body.append(f"<h2>{heading}</h2>")
        counts = {
            "members": impact.members,
            "decisions changed": impact.changed,
            "tier up": impact.tier_up,
            "tier down": impact.tier_down,
            "errors": impact.errors,
        }
        body.append(
            '<div class="cards">'
            + "".join(
                f'<div class="card" data-card="{escape(key)}"><b>{counts[key]}</b>{t(code)}</div>'
                for key, code in _CARDS
            )
            + "</div>"
        )
        before, after = say(locale, "report.diff.before"), say(locale, "report.diff.after")
        body.append(
            _bars(
                say(locale, "report.diff.tiers_chart"),
                [
                    (
                        say(locale, "report.diff.tier"),
                        [
                            (say(locale, "report.diff.up"), impact.tier_up, "#1b7f3b"),
                            (say(locale, "report.diff.down"), impact.tier_down, "#b42318"),
                        ],
                    )
                ],
                "tiers",
            )
        )
        body.append(
            _bars(
                say(locale, "report.diff.points_chart"),
                [
                    (
                        say(locale, "report.diff.per_order"),
                        [
                            (before, impact.per_order_before or Decimal(0), "#9fb3c8"),
                            (after, impact.per_order_after or Decimal(0), "#2680c2"),
                        ],
                    ),
                    (
                        say(locale, "report.diff.liability"),
                        [
                            (before, impact.liability_before, "#9fb3c8"),
                            (after, impact.liability_after, "#2680c2"),
                        ],
                    ),
                ],
                "points",
            )
        )
        gained, lost = say(locale, "report.diff.gained"), say(locale, "report.diff.lost")
        benefit_rows = [
            (
                _named(benefits, bid, locale),
                [(gained, b.gained, "#1b7f3b"), (lost, b.lost, "#b42318")],
            )
            for bid, b in sorted(impact.benefits.items())
        ]
        if benefit_rows:
            body.append(_bars(say(locale, "report.diff.benefits_chart"), benefit_rows, "benefits"))
        examples = [
            "<li>"
            + t(
                "report.diff.tier_move",
                member=m,
                before=_named(tiers, str(a), locale) if a else None,
                after=_named(tiers, str(b), locale) if b else None,
            )
            + "</li>"
            for m, a, b in impact.tier_up_examples + impact.tier_down_examples
        ]
        examples += [
            "<li>"
            + t(
                "report.diff.lost_by",
                benefit=_named(benefits, bid, locale),
                members=tuple(b.lost_examples),
            )
            + "</li>"
            for bid, b in sorted(impact.benefits.items())
            if b.lost_examples
        ]
        examples += [
            "<li>"
            + t(
                "report.diff.gained_by",
                benefit=_named(benefits, bid, locale),
                members=tuple(b.gained_examples),
            )
            + "</li>"
            for bid, b in sorted(impact.benefits.items())
            if b.gained_examples
        ]
        if examples:
            heading = t("report.diff.examples")
            body.append(f"<h2>{heading}</h2><ul>{''.join(examples)}</ul>")
    lang = escape(locale.replace("_", "-"))
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>memberkit diff: {escape(new)}</title><style>{_STYLE}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )
