"""Configurable rules per organisation (SPEC: "every number and list marked configurable").

Each module defines its rules once with a default, a label and where the default comes from:

    REVIEW_DAYS = define("proposals.review_working_days", 10, _("提案审查时限（工作日）"),
                         source=_("本系统默认：审查时限10个工作日"))

and reads them with `get(organisation, key)`: the value in force today (or `on=` a given
day). An organisation's own `OrgSetting` wins, then the nearest ancestor's, then the default.
One query per read (all ancestors and dates at once). Values are dated: a change takes
effect from its `effective_from` and the older values stay for the days they covered, so a
change never rewrites history. Every change is audited (`config.set`, `config.restore`).

The rules page (`orgs.views.rules`) is generated from this registry; `rule_states` gives
every rule of an organisation in a fixed number of queries.
"""

import datetime as dt
import json
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from xieshang.core.text import chinese_number

# Where a default comes from when a rule does not say: the product's recommended value.
SPEC_DEFAULT = gettext_lazy("本系统默认值")

VERB_SET = "config.set"
VERB_RESTORE = "config.restore"
VERBS = (VERB_SET, VERB_RESTORE)

# The input a rule gets on the rules page, from the type of its default.
# A list of codes from a choice list is ticked (`choices`); a list of groups of such codes
# ("三个一") is typed one group a line, in words.
KIND_BOOL, KIND_INT, KIND_FLOAT, KIND_TEXT, KIND_LINES, KIND_JSON = (
    "bool",
    "int",
    "float",
    "text",
    "lines",
    "json",
)
KIND_CHOICES, KIND_GROUPS = "choices", "groups"
# One code from a choice list (a text default with `choices`): picked from a list.
KIND_CHOICE = "choice"


def _shape_error(value: Any, default: Any) -> str | None:
    """Why `value` does not have the shape of `default` (None if it does): the same type,
    recursively; list items like the default's items, fixed-length rows stay that length."""
    if isinstance(default, bool):
        return None if isinstance(value, bool) else _("须为是或否。")
    if isinstance(default, int | float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return _("须为数字。")
        if value < 0:
            return _("不能为负数。")
        if isinstance(default, int) and not isinstance(value, int) and value != int(value):
            return _("须为整数。")
        return None
    if isinstance(default, str):
        return None if isinstance(value, str) else _("须为文字。")
    if isinstance(default, list):
        if not isinstance(value, list):
            return _("须为列表。")
        if default and not value:
            return _("至少填写一项。")
        if not default:
            return None
        lengths = {len(row) for row in default if isinstance(row, list)}
        fixed = lengths.pop() if len(lengths) == 1 and len(default) > 1 else None
        for number, item in enumerate(value, start=1):
            if fixed and (not isinstance(item, list) or len(item) != fixed):
                return _("第%(n)d项须为含%(k)d个元素的列表。") % {"n": number, "k": fixed}
            error = _shape_error(item, default[0])
            if error:
                return _("第%(n)d项：%(error)s") % {"n": number, "error": error}
        return None
    if isinstance(default, dict):
        if not isinstance(value, dict):
            return _("须为键值对象。")
        missing = [k for k in default if k not in value]
        if missing:
            return _("缺少：%(keys)s") % {"keys": "、".join(missing)}
        for k, item in value.items():
            if k in default:
                error = _shape_error(item, default[k])
                if error:
                    return f"{k}：{error}"
        return None
    return None


def _normalise(value: Any, default: Any) -> Any:
    if isinstance(default, bool):
        return value
    if isinstance(default, float):
        return float(value)
    if isinstance(default, int):
        return int(value)
    if isinstance(default, list) and default:
        return [_normalise(item, default[0]) for item in value]
    return value


@dataclass(frozen=True)
class Rule:
    key: str
    default: Any
    label: str
    help_text: str = ""
    source: str = SPEC_DEFAULT
    # The codes a list rule draws from: [(code, label)] or a function returning them (a
    # model's TextChoices.choices), so the page shows and takes words, never codes.
    choices: Any = None
    # A rule's own check beyond the shape of its default (define(..., validate=)): called with
    # the normalised value, raises ValidationError with a Chinese message.
    validator: Any = None

    @property
    def module(self) -> str:
        return self.key.split(".", 1)[0]

    def choice_list(self) -> list[tuple[str, str]]:
        choices = self.choices() if callable(self.choices) else self.choices
        return [(str(code), str(label)) for code, label in choices or []]

    @property
    def kind(self) -> str:
        default = self.default
        if self.choices is not None and isinstance(default, list):
            if default and all(isinstance(item, list) for item in default):
                return KIND_GROUPS
            return KIND_CHOICES
        if self.choices is not None and isinstance(default, str):
            return KIND_CHOICE
        if isinstance(default, bool):
            return KIND_BOOL
        if isinstance(default, int):
            return KIND_INT
        if isinstance(default, float):
            return KIND_FLOAT
        if isinstance(default, str):
            return KIND_TEXT
        if isinstance(default, list) and all(
            isinstance(item, str | int) and not isinstance(item, bool) for item in default
        ):
            return KIND_LINES
        return KIND_JSON

    def validate(self, value: Any) -> Any:
        """Values keep the shape of the default: a number stays a number, a list of pairs a
        list of pairs. Raises ValidationError with a Chinese message."""
        error = _shape_error(value, self.default)
        if error:
            raise ValidationError(error)
        if self.kind == KIND_CHOICE:
            if value not in {code for code, _label in self.choice_list()}:
                raise ValidationError(_("不是可选项：%(codes)s") % {"codes": value})
        elif self.choices is not None:
            codes = {code for code, _label in self.choice_list()}
            flat = [v for item in value for v in (item if isinstance(item, list) else [item])]
            unknown = [str(v) for v in flat if v not in codes]
            if unknown:
                raise ValidationError(_("不是可选项：%(codes)s") % {"codes": "、".join(unknown)})
        value = _normalise(value, self.default)
        if self.validator is not None:
            self.validator(value)
        return value

    def display(self, value: Any) -> str:
        """The value in words: codes of a choice list as their labels."""
        if self.kind == KIND_CHOICE:
            return dict(self.choice_list()).get(str(value), str(value))
        if self.choices is None or not isinstance(value, list):
            return display(value)
        labels = dict(self.choice_list())

        def words(items) -> str:
            return "、".join(labels.get(str(v), str(v)) for v in items)

        if self.kind == KIND_GROUPS:
            return "；".join(words(group) for group in value)
        return words(value)


RULES: dict[str, Rule] = {}


def define(
    key: str,
    default: Any,
    label: str,
    help_text: str = "",
    source: str = "",
    choices=None,
    validate=None,
) -> str:
    """Register a rule. `choices`: the codes a list (or, with a text default, a single value)
    draws from. `validate`: a callable checking a value beyond its shape (raises
    ValidationError with a Chinese message), run wherever a value is set."""
    RULES[key] = Rule(key, default, label, help_text, source or SPEC_DEFAULT, choices, validate)
    return key


def display(value: Any) -> str:
    """A value as the rules page and the audit log show it."""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, float):
        return _fraction(value) or f"{value:.4g}"
    if isinstance(value, list) and all(not isinstance(v, list | dict) for v in value):
        return "、".join(str(v) for v in value)
    if isinstance(value, list) and all(
        isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) for x in v) for v in value
    ):
        # Code and label pairs (办理结果分类): "A：已解决或基本解决；B：…", not JSON.
        return "；".join(f"{code}{_('：')}{label}" for code, label in value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _fraction(value: float) -> str:
    """A share that no decimal writes exactly as the rules write it: 2/3 → 三分之二, not
    0.6667; "" for any other value (0.5 and 0.8 read as they are)."""
    frac = Fraction(value).limit_denominator(12)
    if not (0 < frac < 1) or float(frac) != value or frac.denominator in (2, 4, 5, 8, 10):
        return ""
    if not (get_language() or "zh").startswith("zh"):
        return f"{frac.numerator}/{frac.denominator}"
    return f"{chinese_number(frac.denominator)}分之{chinese_number(frac.numerator)}"


def _in_force(rows, ids: list[int], default: Any) -> tuple[Any, int | None]:
    """The value in force and the organisation it comes from (None: the default), from
    (organisation_id, effective_from, inherit, value) rows already limited to one day."""
    latest: dict[int, tuple] = {}
    for org_id, effective_from, inherit, value in rows:
        if org_id not in latest or effective_from > latest[org_id][0]:
            latest[org_id] = (effective_from, inherit, value)
    for org_id in reversed(ids):  # nearest first
        if org_id in latest and not latest[org_id][1]:
            return latest[org_id][2], org_id
    return default, None


def _ids(organisation) -> list[int]:
    return organisation.ancestor_ids() or [organisation.pk]


def get(organisation, key: str, on: dt.date | None = None) -> Any:
    """The value of rule `key` in force in `organisation` on `on` (default today)."""
    from .models import OrgSetting

    rule = RULES[key]
    if organisation is None:
        return rule.default
    on = on or timezone.localdate()
    ids = _ids(organisation)
    rows = OrgSetting.objects.filter(
        organisation_id__in=ids, key=key, effective_from__lte=on
    ).values_list("organisation_id", "effective_from", "inherit", "value")
    return _in_force(rows, ids, rule.default)[0]


def get_many(organisations, key: str, on: dt.date | None = None) -> dict[int, Any]:
    """{organisation id: value of rule `key` in force there on `on`} for many organisations
    in one query (a province office's subtree is hundreds of organisations)."""
    from .models import OrgSetting

    rule = RULES[key]
    on = on or timezone.localdate()
    chains = {org.pk: _ids(org) for org in organisations}
    if not chains:
        return {}
    every = {pk for ids in chains.values() for pk in ids}
    rows = list(
        OrgSetting.objects.filter(
            organisation_id__in=every, key=key, effective_from__lte=on
        ).values_list("organisation_id", "effective_from", "inherit", "value")
    )
    if not rows:
        return dict.fromkeys(chains, rule.default)
    return {pk: _in_force(rows, ids, rule.default)[0] for pk, ids in chains.items()}


def get_keys(organisations, keys, on: dt.date | None = None) -> dict[int, dict[str, Any]]:
    """{organisation id: {key: value in force there on `on`}} for several rules in several
    organisations in one query: `get` for each (organisation, key) pair, read at once."""
    from .models import OrgSetting

    on = on or timezone.localdate()
    keys = list(keys)
    chains = {org.pk: _ids(org) for org in organisations}
    if not chains:
        return {}
    every = {pk for ids in chains.values() for pk in ids}
    rows: dict[str, list] = {key: [] for key in keys}
    for key, *row in OrgSetting.objects.filter(
        organisation_id__in=every, key__in=keys, effective_from__lte=on
    ).values_list("key", "organisation_id", "effective_from", "inherit", "value"):
        rows[key].append(row)
    return {
        pk: {key: _in_force(rows[key], ids, RULES[key].default)[0] for key in keys}
        for pk, ids in chains.items()
    }


# --- The rules page --------------------------------------------------------------------------


@dataclass
class RuleState:
    """One rule as an organisation sees it today."""

    rule: Rule
    value: Any
    source_org_id: int | None  # None: the default; the organisation's own id: overridden
    own: bool
    scheduled: list = field(default_factory=list)  # [(date, inherit, value)] after today
    history: list = field(default_factory=list)  # audit events, newest first
    version: int = 0  # id of the latest change event here: the compare-and-swap token


def rule_states(organisation, on: dt.date | None = None) -> list[RuleState]:
    """Every registered rule in `organisation`: value in force, where it comes from, changes
    scheduled here and the history of changes here. Two queries whatever the number of rules
    and overrides: the settings of the organisation and its ancestors, and the audit events."""
    from xieshang.core.models import Event

    from .models import OrgSetting

    on = on or timezone.localdate()
    ids = _ids(organisation)
    rows_by_key: dict[str, list] = {}
    for key, org_id, effective_from, inherit, value in OrgSetting.objects.filter(
        organisation_id__in=ids
    ).values_list("key", "organisation_id", "effective_from", "inherit", "value"):
        rows_by_key.setdefault(key, []).append((org_id, effective_from, inherit, value))
    events_by_key: dict[str, list] = {}
    for event in Event.objects.filter(organisation=organisation, verb__in=VERBS).order_by("-id"):
        events_by_key.setdefault((event.data or {}).get("key", ""), []).append(event)
    states = []
    for key, rule in RULES.items():
        rows = rows_by_key.get(key, [])
        value, source = _in_force([r for r in rows if r[1] <= on], ids, rule.default)
        history = events_by_key.get(key, [])
        states.append(
            RuleState(
                rule=rule,
                value=value,
                source_org_id=source,
                own=source == organisation.pk,
                scheduled=sorted(
                    (r[1], r[2], r[3]) for r in rows if r[0] == organisation.pk and r[1] > on
                ),
                history=history,
                version=history[0].pk if history else 0,
            )
        )
    return states


# --- Changing a rule -------------------------------------------------------------------------


def current_version(organisation, key: str) -> int:
    """The id of the latest change of `key` in `organisation` (0: never changed)."""
    from xieshang.core.models import Event

    latest = (
        Event.objects.filter(organisation=organisation, verb__in=VERBS, data__key=key)
        .order_by("-id")
        .values_list("pk", flat=True)
        .first()
    )
    return latest or 0


def _begin_change(organisation, key: str, expected_version: int | None, effective_from):
    """Lock the organisation's rules, check nobody changed this one since the form was read
    and that the date does not rewrite the past. Returns the effective date."""
    from xieshang.core.audit import StaleEdit, lock

    from .models import Organisation

    lock(Organisation, organisation.pk)  # one change of the organisation's rules at a time
    current = current_version(organisation, key)
    if expected_version is not None and current != expected_version:
        raise StaleEdit(current_version=current)
    today = timezone.localdate()
    effective_from = effective_from or today
    if effective_from < today:
        raise ValidationError(_("施行日期不能早于今天：已发生的事按当时的规则办理。"))
    return effective_from


def _note(rule: Rule, old: Any, new: Any, effective_from: dt.date, *, restored=False) -> str:
    from xieshang.core.text import chinese_date

    text = _("%(label)s：%(old)s → %(new)s（自%(date)s起施行）") % {
        "label": rule.label,
        "old": rule.display(old),
        "new": rule.display(new),
        "date": chinese_date(effective_from),
    }
    return _("恢复继承上级设置。") + text if restored else text


@transaction.atomic
def set_value(
    organisation,
    key: str,
    value: Any,
    *,
    actor,
    effective_from: dt.date | None = None,
    expected_version: int | None = None,
) -> None:
    """Give `organisation` its own value of `key` from `effective_from` (default today)."""
    from xieshang.core.audit import record_event

    from .models import OrgSetting

    rule = RULES[key]
    value = rule.validate(value)
    effective_from = _begin_change(organisation, key, expected_version, effective_from)
    old = get(organisation, key, on=effective_from)
    OrgSetting.objects.update_or_create(
        organisation=organisation,
        key=key,
        effective_from=effective_from,
        defaults={"value": value, "inherit": False, "updated_by": actor},
    )
    record_event(
        actor=actor,
        verb=VERB_SET,
        subject=organisation,
        organisation=organisation,
        note=_note(rule, old, value, effective_from),
        data={"key": key, "from": old, "to": value, "effective_from": effective_from.isoformat()},
    )


@transaction.atomic
def restore_inherited(
    organisation,
    key: str,
    *,
    actor,
    effective_from: dt.date | None = None,
    expected_version: int | None = None,
) -> None:
    """End `organisation`'s own value of `key` from `effective_from` (default today): the
    nearest ancestor's value (or the default) applies again. Own values scheduled from that
    day on are deleted; older ones stay for the days they covered."""
    from xieshang.core.audit import record_event

    from .models import OrgSetting

    rule = RULES[key]
    effective_from = _begin_change(organisation, key, expected_version, effective_from)
    own = OrgSetting.objects.filter(organisation=organisation, key=key)
    old = get(organisation, key, on=effective_from)
    later = own.filter(effective_from__gte=effective_from)
    earlier = own.filter(effective_from__lt=effective_from).order_by("-effective_from").first()
    if not later.exists() and (earlier is None or earlier.inherit):
        raise ValidationError(_("本组织没有单独设置此规则，无需恢复。"))
    later.delete()
    if earlier is not None and not earlier.inherit:
        OrgSetting.objects.create(
            organisation=organisation,
            key=key,
            effective_from=effective_from,
            inherit=True,
            value=None,
            updated_by=actor,
        )
    new = get(organisation, key, on=effective_from)
    record_event(
        actor=actor,
        verb=VERB_RESTORE,
        subject=organisation,
        organisation=organisation,
        note=_note(rule, old, new, effective_from, restored=True),
        data={"key": key, "from": old, "to": new, "effective_from": effective_from.isoformat()},
    )
