"""Explaining a condition: which clauses decided it, as structured reasons any part can emit.

A part that refuses something because a condition did not hold traces the predicate and turns
each deciding comparison into a ``rule.*`` reason with the field's name in three languages, the
value the policy asked for and the value found. Texts live in the ``rules`` catalogue; the
reason is data, so a part nests it in its own reason (``benefit.condition_failed`` with
``clause``) and the renderer writes the sentence in the member's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from .._reasons import LocalizedText, Reason
from ._compile import Trace
from ._fields import ATTRIBUTE_PREFIX

__all__ = ["FIELD_LABELS", "clause_reason", "culprits", "field_label"]


def _text(zh_hans: str, zh_hant: str, en: str) -> LocalizedText:
    return LocalizedText({"zh_Hans": zh_hans, "zh_Hant": zh_hant, "en": en}, "en")


FIELD_LABELS: Mapping[str, LocalizedText] = {
    "kind": _text("类型", "類型", "kind"),
    "amount": _text("金额", "金額", "amount"),
    "currency": _text("币种", "幣別", "currency"),
    "category": _text("品类", "品類", "category"),
    "sku": _text("商品", "商品", "item"),
    "channel": _text("渠道", "通路", "channel"),
    "store": _text("门店", "門市", "store"),
    "payment_method": _text("支付方式", "付款方式", "payment method"),
    "payment_methods": _text("订单的支付方式", "訂單的付款方式", "payment methods of the order"),
    "tags": _text("订单标签", "訂單標籤", "order tags"),
    "quantity": _text("数量", "數量", "quantity"),
    "tier": _text("会员等级", "會員等級", "tier"),
    "member_tags": _text("会员标签", "會員標籤", "member tags"),
    "days_since_join": _text("入会天数", "入會天數", "days since joining"),
    "joined": _text("入会日期", "入會日期", "joining date"),
    "tenure_years": _text("入会年数", "入會年數", "years of membership"),
    "tenure_months": _text("入会月数", "入會月數", "months of membership"),
    "age": _text("年龄", "年齡", "age"),
    "flag": _text("会员标记", "會員標記", "member flags"),
    "birthday": _text("生日", "生日", "birthday"),
    "segment": _text("会员分群", "會員分群", "segment"),
    "tier_reached_by": _text("等级取得方式", "等級取得方式", "how the tier was reached"),
    "date": _text("日期", "日期", "date"),
    "datetime": _text("时间", "時間", "time"),
    "weekday": _text("星期", "星期", "day of the week"),
    "time": _text("时段", "時段", "time of day"),
    "month": _text("月份", "月份", "month"),
}
"""What each standard field is called, in the shipped locales."""

_WINDOWS = {
    "day": _text("生日当天", "生日當天", "on the birthday"),
    "week": _text("生日当周", "生日當週", "in the birthday week"),
    "month": _text("生日当月", "生日當月", "in the birthday month"),
}

_NEGATED = {
    "=": "!=", "!=": "=", "<": ">=", "<=": ">", ">": "<=", ">=": "<", "in": "not in",
    "not in": "in", "between": "not between",
}  # fmt: skip
_CODES = {
    "=": "rule.eq", "!=": "rule.ne", "<": "rule.lt", "<=": "rule.le", ">": "rule.gt",
    ">=": "rule.ge", "in": "rule.in", "not in": "rule.not_in", "between": "rule.between",
    "not between": "rule.not_between",
}  # fmt: skip


def field_label(field: str) -> LocalizedText:
    """The field's name for people: a standard label, or a custom attribute's own name."""
    label = FIELD_LABELS.get(field)
    if label is not None:
        return label
    name = field.removeprefix(ATTRIBUTE_PREFIX)
    return LocalizedText({"en": name}, "en")


def culprits(trace: Trace, want: bool = True) -> list[tuple[Trace, bool]]:
    """The comparisons that made ``trace`` come out other than ``want``, with what each needed.

    Under ``not`` the wanted result flips; in an ``all`` or ``any`` every child that disagrees
    with the wanted result shares the blame.
    """
    if trace.field is not None:
        return [(trace, want)] if trace.held != want else []
    if trace.op == "not":
        return [c for child in trace.children for c in culprits(child, not want)]
    return [c for child in trace.children if child.held != want for c in culprits(child, want)]


@cache
def _names(kind: str, number: int) -> LocalizedText:
    # babel's calendar data is imported when a weekday or month is first explained (once: this
    # is cached), not when the rules are compiled, which checking a policy does.
    from babel.dates import get_day_names, get_month_names

    texts = {}
    for locale in ("zh_Hans", "zh_Hant", "en"):
        if kind == "weekday":
            # babel numbers weekdays from Monday = 0; the rules language uses ISO (Monday = 1).
            texts[locale] = str(get_day_names("wide", locale=locale)[number - 1])
        else:
            texts[locale] = str(get_month_names("wide", locale=locale)[number])
    return LocalizedText(texts, "en")


def _shown(field: str, value: object, tier_names: Mapping[str, LocalizedText]) -> object:
    if isinstance(value, tuple | frozenset | set | list):
        items = [_shown(field, v, tier_names) for v in value]
        return tuple(sorted(items, key=str)) if isinstance(value, frozenset | set) else tuple(items)
    if field in ("weekday", "month") and isinstance(value, int) and not isinstance(value, bool):
        return _names(field, value)
    if field == "tier" and isinstance(value, str) and value in tier_names:
        return tier_names[value]
    return value


def clause_reason(
    leaf: Trace,
    wanted: bool,
    path: str,
    *,
    tier_names: Mapping[str, LocalizedText] | None = None,
    labels: Mapping[str, LocalizedText] | None = None,
) -> Reason:
    """One deciding comparison as a reason: what had to hold (or not) and what was found.

    ``wanted`` is whether the comparison had to hold (False for a clause under ``not``).
    ``labels`` names fields a part adds to the standard vocabulary (lifecycle's recency...).
    """
    field = leaf.field or ""
    names = tier_names or {}
    if leaf.field is None:
        return Reason.of("rule.unmet", path)
    label = (labels or {}).get(field) or field_label(field)
    if leaf.actual is None:
        if field == "age":
            # An age needs data the host may never have been given: say which.
            return Reason.of("rule.age_unknown", path)
        return Reason.of("rule.unknown", path, field=label)
    if field == "birthday" and leaf.op in ("=", "in"):
        expected = leaf.expected if isinstance(leaf.expected, tuple) else (leaf.expected,)
        windows = tuple(_WINDOWS.get(str(w), LocalizedText({"en": str(w)})) for w in expected)
        return Reason.of("rule.birthday" if wanted else "rule.not_birthday", path, window=windows)
    op = leaf.op if wanted else _NEGATED.get(leaf.op, leaf.op)
    if isinstance(leaf.expected, bool) and op in ("=", "!="):
        # A yes/no field reads as the quality itself: "churned before", "not churned before".
        code = "rule.is" if (op == "=") == leaf.expected else "rule.is_not"
        return Reason.of(code, path, field=label)
    return Reason.of(
        _CODES.get(op, "rule.eq"),
        path,
        field=label,
        expected=_shown(field, leaf.expected, names),
        actual=_shown(field, leaf.actual, names),
    )
