"""Configurable rules per organisation (SPEC: "every number and list marked configurable").

Each module defines its rules once with a default and a label:

    REVIEW_DAYS = define("proposals.review_working_days", 10, _("提案审查时限（工作日）"))

and reads them with `get(organisation, key)`. An organisation's own `OrgSetting` wins, then
the nearest ancestor's, then the default. One query per read (all ancestors at once).
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Rule:
    key: str
    default: Any
    label: str
    help_text: str = ""

    def validate(self, value: Any) -> Any:
        """Values keep the type of the default: a number stays a number, a list a list."""
        expected = type(self.default)
        if expected is bool:
            if not isinstance(value, bool):
                raise ValidationError(_("须为是或否。"))
        elif expected in (int, float):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValidationError(_("须为数字。"))
            if value < 0:
                raise ValidationError(_("不能为负数。"))
            value = expected(value)
        elif not isinstance(value, expected):
            raise ValidationError(_("格式不正确。"))
        return value


RULES: dict[str, Rule] = {}


def define(key: str, default: Any, label: str, help_text: str = "") -> str:
    RULES[key] = Rule(key, default, label, help_text)
    return key


def get(organisation, key: str) -> Any:
    from .models import OrgSetting

    rule = RULES[key]
    if organisation is None:
        return rule.default
    ids = organisation.ancestor_ids() or [organisation.pk]
    found = dict(
        OrgSetting.objects.filter(organisation_id__in=ids, key=key).values_list(
            "organisation_id", "value"
        )
    )
    for org_id in reversed(ids):  # nearest first
        if org_id in found:
            return found[org_id]
    return rule.default


def set_value(organisation, key: str, value: Any, *, actor) -> None:
    from xieshang.core.audit import record_event

    from .models import OrgSetting

    rule = RULES[key]
    value = rule.validate(value)
    old = get(organisation, key)
    OrgSetting.objects.update_or_create(
        organisation=organisation, key=key, defaults={"value": value, "updated_by": actor}
    )
    record_event(
        actor=actor,
        verb="config.set",
        subject=organisation,
        organisation=organisation,
        note=f"{rule.label}",
        data={"key": key, "from": old, "to": value},
    )
