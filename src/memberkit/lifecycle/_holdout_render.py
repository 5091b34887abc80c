"""The holdout report as a table and a chart, in the shipped locales (text and SVG)."""

from __future__ import annotations

from html import escape

from ._fit import MODEL_NAMES
from ._holdout import HoldoutReport

__all__ = ["holdout_svg", "holdout_text"]

_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Holdout check: {model} fitted on the calibration period, holdout {length} {unit}",
        "bucket": "repeat purchases",
        "members": "members",
        "actual": "actual",
        "expected": "expected",
        "actual_mean": "actual/member",
        "expected_mean": "expected/member",
        "total": "total",
        "chart": "Holdout purchases per member (actual ■, expected □)",
        "days": "days",
        "weeks": "weeks",
        "verdict": "Expected {expected:.1f} against {actual} actual ({gap:+.1%}).",
    },
    "zh_Hans": {
        "title": "留出期检验：{model} 在校准期拟合，留出期 {length} {unit}",
        "bucket": "校准期复购次数",
        "members": "会员数",
        "actual": "实际",
        "expected": "预测",
        "actual_mean": "人均实际",
        "expected_mean": "人均预测",
        "total": "合计",
        "chart": "留出期人均购买次数（实际 ■，预测 □）",
        "days": "天",
        "weeks": "周",
        "verdict": "预测 {expected:.1f} 次，实际 {actual} 次（偏差 {gap:+.1%}）。",
    },
    "zh_Hant": {
        "title": "留出期檢驗：{model} 在校準期擬合，留出期 {length} {unit}",
        "bucket": "校準期回購次數",
        "members": "會員數",
        "actual": "實際",
        "expected": "預測",
        "actual_mean": "人均實際",
        "expected_mean": "人均預測",
        "total": "合計",
        "chart": "留出期人均購買次數（實際 ■，預測 □）",
        "days": "天",
        "weeks": "週",
        "verdict": "預測 {expected:.1f} 次，實際 {actual} 次（偏差 {gap:+.1%}）。",
    },
}


def _labels(locale: str) -> dict[str, str]:
    return _LABELS.get(locale, _LABELS["en"])


def _title(report: HoldoutReport, t: dict[str, str]) -> str:
    return t["title"].format(
        model=MODEL_NAMES[report.model.model],
        length=f"{report.holdout_length:g}",
        unit=t[report.model.unit],
    )


def _verdict(report: HoldoutReport, t: dict[str, str]) -> str:
    gap = (report.expected - report.actual) / report.actual if report.actual else 0.0
    return t["verdict"].format(expected=report.expected, actual=report.actual, gap=gap)


def holdout_text(report: HoldoutReport, locale: str = "en", *, width: int = 40) -> str:
    """The table (per bucket and total) and a bar chart of the per-member means, as text."""
    t = _labels(locale)
    head = (
        t["bucket"],
        t["members"],
        t["actual"],
        t["expected"],
        t["actual_mean"],
        t["expected_mean"],
    )
    body = [
        (
            b.label,
            str(b.members),
            str(b.actual),
            f"{b.expected:.1f}",
            f"{b.actual_mean:.3f}",
            f"{b.expected_mean:.3f}",
        )
        for b in report.buckets
    ]
    n = report.members or 1
    body.append(
        (
            t["total"],
            str(report.members),
            str(report.actual),
            f"{report.expected:.1f}",
            f"{report.actual / n:.3f}",
            f"{report.expected / n:.3f}",
        )
    )
    widths = [max(_width(row[i]) for row in (head, *body)) for i in range(len(head))]
    lines = [_title(report, t), ""]
    for row in (head, *body):
        cells = [_pad(row[0], widths[0], left=True)]
        cells += [_pad(cell, w, left=False) for cell, w in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells).rstrip())
    lines += ["", _verdict(report, t), "", t["chart"]]
    top = max((max(b.actual_mean, b.expected_mean) for b in report.buckets), default=0.0) or 1.0
    label_width = max(_width(b.label) for b in report.buckets)
    for b in report.buckets:
        for mark, value in (("■", b.actual_mean), ("□", b.expected_mean)):
            bar = mark * round(value / top * width)
            label = b.label if mark == "■" else ""
            lines.append(f"{_pad(label, label_width, left=True)} │{bar} {value:.2f}")
    return "\n".join(lines) + "\n"


def _width(text: str) -> int:
    # CJK characters take two terminal columns.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int, *, left: bool) -> str:
    fill = " " * (width - _width(text))
    return text + fill if left else fill + text


def holdout_svg(report: HoldoutReport, locale: str = "en") -> str:
    """A self-contained SVG bar chart: actual and expected holdout purchases per member."""
    t = _labels(locale)
    buckets = report.buckets
    top = max((max(b.actual_mean, b.expected_mean) for b in buckets), default=0.0) or 1.0
    left, bottom, height, group = 60, 260, 200, 56
    width = max(left + group * len(buckets) + 20, 640)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="360" '
        f'font-family="sans-serif" font-size="12" role="img">',
        f'<rect width="{width}" height="360" fill="white"/>',
        f"<title>{escape(_title(report, t))}</title>",
        f'<text x="10" y="20" font-size="14">{escape(_title(report, t))}</text>',
        f'<line x1="{left}" y1="{bottom}" x2="{width - 10}" y2="{bottom}" stroke="#333"/>',
        f'<line x1="{left}" y1="{bottom}" x2="{left}" y2="{bottom - height}" stroke="#333"/>',
        f'<text x="{left - 6}" y="{bottom - height + 4}" text-anchor="end">{top:.2f}</text>',
        f'<text x="{left - 6}" y="{bottom + 4}" text-anchor="end">0</text>',
    ]
    for i, b in enumerate(buckets):
        x0 = left + 8 + i * group
        for j, (value, colour, name) in enumerate(
            ((b.actual_mean, "#2b6cb0", t["actual"]), (b.expected_mean, "#ed8936", t["expected"]))
        ):
            h = value / top * height
            parts.append(
                f'<rect x="{x0 + j * 20}" y="{bottom - h:.1f}" width="18" height="{h:.1f}" '
                f'fill="{colour}"><title>{escape(b.label)} {escape(name)}: {value:.3f}</title></rect>'
            )
        parts.append(
            f'<text x="{x0 + 19}" y="{bottom + 16}" text-anchor="middle">{escape(b.label)}</text>'
        )
    parts += [
        f'<text x="{left + (width - left) / 2}" y="{bottom + 34}" text-anchor="middle">'
        f"{escape(t['bucket'])}</text>",
        f'<rect x="{left}" y="{bottom + 48}" width="12" height="12" fill="#2b6cb0"/>',
        f'<text x="{left + 16}" y="{bottom + 58}">{escape(t["actual"])}</text>',
        f'<rect x="{left + 90}" y="{bottom + 48}" width="12" height="12" fill="#ed8936"/>',
        f'<text x="{left + 106}" y="{bottom + 58}">{escape(t["expected"])}</text>',
        f'<text x="{left}" y="{bottom + 84}">{escape(_verdict(report, t))}</text>',
        "</svg>",
    ]
    return "\n".join(parts) + "\n"
