"""The diff report as one self-contained HTML file: inline CSS and SVG charts, no network."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from html import escape

from ..testing._held import HeldChange
from ..testing._impact import Impact
from ..testing._structure import Change

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


def _structure(changes: Sequence[Change]) -> str:
    if not changes:
        return "<p>No structural change.</p>"
    rows = "".join(
        f'<tr><td class="{c.kind}">{c.kind}</td><td><code>{escape(c.path)}</code></td>'
        f"<td>{escape(c.old_at or '')}</td><td>{escape(c.new_at or '')}</td>"
        f"<td><code>{escape(_short(c.old))}</code></td><td><code>{escape(_short(c.new))}</code></td></tr>"
        for c in changes
    )
    return (
        "<table><thead><tr><th>change</th><th>path</th><th>old line:col</th>"
        f"<th>new line:col</th><th>old</th><th>new</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _held(held: Sequence[HeldChange], impact: Impact | None) -> str:
    rows = "".join(
        f'<tr data-held="{escape(c.kind)}"><td>{escape(c.kind)}</td>'
        f"<td><code>{escape(c.old)}</code></td>"
        f"<td>{'<code>' + escape(c.new) + '</code>' if c.new else 'dropped, no rename'}</td>"
        f"<td>{escape(c.at.isoformat()) if c.at else ''}</td><td><code>{escape(c.path)}</code></td>"
        f"<td>{impact.held[i] if impact is not None else ''}</td></tr>"
        for i, c in enumerate(held)
    )
    return (
        "<table><thead><tr><th>kind</th><th>old id</th><th>new id</th><th>from</th>"
        f"<th>where</th><th>members holding it</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _short(value: object) -> str:
    text = "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 80 else text[:77] + "..."


def diff_html(
    old: str,
    new: str,
    as_of: str,
    changes: Sequence[Change],
    impact: Impact | None,
    held: Sequence[HeldChange] = (),
) -> str:
    """The whole report: structure table, renamed or dropped ids, impact cards, examples."""
    body = [
        f"<h1>Policy change: {escape(old)} → {escape(new)}</h1>",
        f"<h2>Structure ({len(changes)} changes)</h2>",
        _structure(changes),
    ]
    if held:
        body += [f"<h2>Held by members ({len(held)} renamed or dropped)</h2>", _held(held, impact)]
    if impact is not None:
        body.append(f"<h2>Impact on {impact.members} members as of {escape(as_of)}</h2>")
        cards = [
            ("members", impact.members),
            ("decisions changed", impact.changed),
            ("tier up", impact.tier_up),
            ("tier down", impact.tier_down),
            ("errors", impact.errors),
        ]
        body.append(
            '<div class="cards">'
            + "".join(
                f'<div class="card" data-card="{escape(k)}"><b>{v}</b>{escape(k)}</div>'
                for k, v in cards
            )
            + "</div>"
        )
        body.append(
            _bars(
                "Members changing tier",
                [
                    (
                        "tier",
                        [("up", impact.tier_up, "#1b7f3b"), ("down", impact.tier_down, "#b42318")],
                    )
                ],
                "tiers",
            )
        )
        body.append(
            _bars(
                "Points: per order and liability, before and after",
                [
                    (
                        "points per order",
                        [
                            ("before", impact.per_order_before or Decimal(0), "#9fb3c8"),
                            ("after", impact.per_order_after or Decimal(0), "#2680c2"),
                        ],
                    ),
                    (
                        "points liability",
                        [
                            ("before", impact.liability_before, "#9fb3c8"),
                            ("after", impact.liability_after, "#2680c2"),
                        ],
                    ),
                ],
                "points",
            )
        )
        benefit_rows = [
            (bid, [("gained", b.gained, "#1b7f3b"), ("lost", b.lost, "#b42318")])
            for bid, b in sorted(impact.benefits.items())
        ]
        if benefit_rows:
            body.append(_bars("Members gaining and losing each benefit", benefit_rows, "benefits"))
        examples = [
            f"<li>{escape(m)}: {escape(str(a))} → {escape(str(b))}</li>"
            for m, a, b in impact.tier_up_examples + impact.tier_down_examples
        ]
        examples += [
            f"<li>{escape(bid)}: lost by {escape(', '.join(b.lost_examples))}</li>"
            for bid, b in sorted(impact.benefits.items())
            if b.lost_examples
        ]
        examples += [
            f"<li>{escape(bid)}: gained by {escape(', '.join(b.gained_examples))}</li>"
            for bid, b in sorted(impact.benefits.items())
            if b.gained_examples
        ]
        if examples:
            body.append(f"<h2>Examples</h2><ul>{''.join(examples)}</ul>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>memberkit diff: {escape(new)}</title><style>{_STYLE}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )
