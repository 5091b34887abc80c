"""The service's own error messages in memberkit's three locales, and the locale of a request.

The locale of an error is the request's ``locale`` parameter, else the best of its
``Accept-Language`` that memberkit ships text for, else the programme's own locale: the same
choice that explanations follow, so a member never reads a refusal in one language and its
reason in another. Event problems carry a memberkit reason code and are rendered by memberkit.
"""

from __future__ import annotations

from memberkit.i18n import shipped_locale

__all__ = ["MESSAGES", "message", "request_locale"]

MESSAGES: dict[str, dict[str, str]] = {
    "as_of_before_last_event": {
        "en": (
            "as_of {as_of} is before the member's last event ({last_event}); a member is "
            "answered from the last event on: replay the member's events up to that moment"
        ),
        "zh_Hans": "查询时点 {as_of} 早于该会员最后一个事件（{last_event}）；会员状态只能回答此后的时点，如需查询更早时点，请重放截至该时点的事件",
        "zh_Hant": "查詢時點 {as_of} 早於該會員最後一個事件（{last_event}）；會員狀態只能回答此後的時點，如需查詢更早時點，請重放截至該時點的事件",
    },
    "contention": {
        "en": "member '{member}' changed under {attempts} attempts; retry later",
        "zh_Hans": "会员“{member}”在 {attempts} 次尝试中一直被其他请求修改，请稍后重试",
        "zh_Hant": "會員「{member}」在 {attempts} 次嘗試中一直被其他請求修改，請稍後重試",
    },
    "invalid_datetime": {
        "en": "{name} is not an ISO 8601 datetime: '{value}'",
        "zh_Hans": "{name} 不是 ISO 8601 日期时间：“{value}”",
        "zh_Hant": "{name} 不是 ISO 8601 日期時間：「{value}」",
    },
    "invalid_member": {
        "en": "the member cannot be registered: {detail}",
        "zh_Hans": "无法登记该会员：{detail}",
        "zh_Hant": "無法登記該會員：{detail}",
    },
    "invalid_value": {
        "en": "'{name}' has an invalid value",
        "zh_Hans": "“{name}”的值无效",
        "zh_Hant": "「{name}」的值無效",
    },
    "member_exists": {
        "en": "member '{member}' already exists",
        "zh_Hans": "会员“{member}”已存在",
        "zh_Hant": "會員「{member}」已存在",
    },
    "missing_field": {
        "en": "required field '{name}' is missing",
        "zh_Hans": "缺少必填字段“{name}”",
        "zh_Hant": "缺少必填欄位「{name}」",
    },
    "naive_datetime": {
        "en": "{name} has no timezone offset; give one, e.g. 2026-11-11T10:00:00+08:00",
        "zh_Hans": "{name} 没有时区偏移，请加上，例如 2026-11-11T10:00:00+08:00",
        "zh_Hant": "{name} 沒有時區偏移，請加上，例如 2026-11-11T10:00:00+08:00",
    },
    "no_lifecycle": {
        "en": "the programme has no lifecycle section",
        "zh_Hans": "本计划未设置生命周期",
        "zh_Hant": "本計劃未設定生命週期",
    },
    "no_points": {
        "en": "the programme has no points",
        "zh_Hans": "本计划没有积分",
        "zh_Hant": "本計劃沒有積分",
    },
    "no_tiers": {
        "en": "the programme has no tier ladder",
        "zh_Hans": "本计划没有会员等级",
        "zh_Hant": "本計劃沒有會員等級",
    },
    "unknown_field": {
        "en": "unknown field '{name}'",
        "zh_Hans": "未知字段“{name}”",
        "zh_Hant": "未知欄位「{name}」",
    },
    "unknown_member": {
        "en": "no member '{member}'",
        "zh_Hans": "没有会员“{member}”",
        "zh_Hant": "沒有會員「{member}」",
    },
}
"""Each error code's message per shipped locale, with ``{param}`` placeholders."""


def message(code: str, locale: str, **params: object) -> str:
    """The message of ``code`` in ``locale`` (a shipped one; English otherwise)."""
    texts = MESSAGES[code]
    return texts.get(shipped_locale(locale) or "en", texts["en"]).format(**params)


def _accepted(header: str) -> list[str]:
    """The languages of an Accept-Language header, most wanted first."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, rest = part.strip().partition(";")
        weight = 1.0
        if rest.strip().startswith("q="):
            try:
                weight = float(rest.strip()[2:])
            except ValueError:
                weight = 0.0
        if tag and tag != "*" and weight > 0:
            ranked.append((-weight, index, tag))
    return [tag for _, _, tag in sorted(ranked)]


def request_locale(asked: str | None, accept_language: str, default: str) -> str:
    """The shipped locale an error is written in: ``?locale=``, Accept-Language, the programme's."""
    for candidate in ([asked] if asked else []) + _accepted(accept_language):
        shipped = shipped_locale(candidate)
        if shipped is not None:
            return shipped
    return shipped_locale(default) or "en"
