"""Proposal number formats (提案号格式), configurable per organisation (rules.NUMBER_FORMAT_*).

A format is text with placeholders in Chinese, as a clerk would write them:

    {届}  the term, in Chinese numerals (十五)        — plenary proposals only
    {次}  the session, in Chinese numerals (三)       — plenary proposals only
    {年}  the year, in arabic numerals (2026)
    {号}  the serial (12); {号:04} pads it with zeros to 4 digits (0012)

第{届}届第{次}次会议第{号:04}号 gives 第十五届第三次会议第0012号. The number is rendered once,
when it is given, and stored: changing the format later never rewrites an existing number.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PLENARY_PLACEHOLDERS = ("届", "次", "年", "号")
INTERIM_PLACEHOLDERS = ("年", "号")
MAX_LENGTH = 60  # Proposal.number

# {name} or {name:0N} (the colon may be typed full-width).
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_FIELD = re.compile(r"^\s*([^:：\s]+)\s*(?:[:：]\s*(0?)([1-9])\s*)?$")

# Values for checking the length of a format: the longest a real number would need.
_SAMPLE = {"届": "二十九", "次": "十九", "年": 2026, "号": 99999}


def _fields(template: str, allowed: tuple[str, ...]) -> list[tuple[str, str, int]]:
    """The placeholders of `template` as (text, name, width), checked against `allowed`."""
    found = []
    for match in _PLACEHOLDER.finditer(template):
        field = _FIELD.match(match.group(1))
        name = field.group(1) if field else match.group(1)
        if not field or name not in allowed or (field.group(3) and name != "号"):
            raise ValidationError(
                _("编号格式中有无法识别的占位符：%(field)s。可用的占位符：%(allowed)s。")
                % {"field": match.group(0), "allowed": _allowed_text(allowed)}
            )
        width = int(field.group(3)) if field.group(3) else 0
        found.append((match.group(0), name, width))
    rest = _PLACEHOLDER.sub("", template)
    if "{" in rest or "}" in rest:
        raise ValidationError(
            _("编号格式中的花括号须成对使用，且只能用于占位符。可用的占位符：%(allowed)s。")
            % {"allowed": _allowed_text(allowed)}
        )
    return found


def _allowed_text(allowed: tuple[str, ...]) -> str:
    words = "、".join("{" + name + "}" for name in allowed)
    return _("%(words)s（{号:04}表示序号补零到4位）") % {"words": words}


def render(template: str, values: dict, allowed: tuple[str, ...]) -> str:
    """The number `template` gives for `values` ({"届": "十五", "号": 12, …})."""
    out = template
    for text, name, width in _fields(template, allowed):
        value = values[name]
        out = out.replace(text, str(value).zfill(width) if width else str(value), 1)
    return out


def _check(template: str, allowed: tuple[str, ...]) -> None:
    template = template.strip()
    fields = _fields(template, allowed)
    if not any(name == "号" for _text, name, _width in fields):
        raise ValidationError(_("编号格式须包含序号占位符{号}，否则各件提案的编号会重复。"))
    if len(render(template, _SAMPLE, allowed)) > MAX_LENGTH:
        raise ValidationError(
            _("按此格式生成的提案号会超过%(n)d个字符，请缩短。") % {"n": MAX_LENGTH}
        )


def check_plenary(template: str) -> None:
    """The rules page's check of the plenary format (raises ValidationError)."""
    _check(template, PLENARY_PLACEHOLDERS)


def check_interim(template: str) -> None:
    """The rules page's check of the between-session format: no term or session there."""
    _check(template, INTERIM_PLACEHOLDERS)


def format_number(proposal, template: str | None = None) -> str:
    """The number of `proposal` (its serial given) in its organisation's format in force today
    (rules.NUMBER_FORMAT_*), or in `template`. With the default formats: 第十五届第三次会议
    第0012号 for a session's plenary proposals, 2026年平时提案第0003号 otherwise."""
    from xieshang.core.text import chinese_number
    from xieshang.orgs import config

    from . import rules
    from .models import Proposal

    values = {"年": proposal.year, "号": proposal.serial}
    if proposal.kind == Proposal.Kind.PLENARY and proposal.session_id:
        session = proposal.session
        values |= {"届": chinese_number(session.term.number), "次": chinese_number(session.number)}
        key, allowed = rules.NUMBER_FORMAT_PLENARY, PLENARY_PLACEHOLDERS
    else:
        key, allowed = rules.NUMBER_FORMAT_INTERIM, INTERIM_PLACEHOLDERS
    if template is None:
        template = config.get(proposal.organisation, key)
    return render(template.strip(), values, allowed)
