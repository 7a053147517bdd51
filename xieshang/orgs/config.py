"""Configurable rules per organisation (SPEC: "every number and list marked configurable").

Each module defines its rules once with a default, a label and where the default comes from:

    REVIEW_DAYS = define("proposals.review_working_days", 10, _("提案审查时限（工作日）"),
                         source=_("本系统默认：审查时限10个工作日"))

A number gets its range (`minimum=`, `maximum=`), and rules that must stay in order (the
grade thresholds) are declared with `descending(...)`: `set_value` and `restore_inherited`
refuse what breaks either, so the rules page, the API and a command cannot store a 0-day or
10^20-day deadline; a value stored out of range anyway is read as the nearest end of it.

Rules are read with `get(organisation, key)`: the value in force today (or `on=` a given
day). An organisation's own `OrgSetting` wins, then the nearest ancestor's, then the default.
One query per read (all ancestors and dates at once). Values are dated: a change takes
effect from its `effective_from` and the older values stay for the days they covered, so a
change never rewrites history. Every change is audited (`config.set`, `config.restore`).

The rules page (`orgs.views.rules`) is generated from this registry; `rule_states` gives
every rule of an organisation in a fixed number of queries.
"""

import datetime as dt
import json
import math
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
        if isinstance(value, float) and not math.isfinite(value):
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
            return _("缺少：%(keys)s") % {"keys": _("、").join(missing)}
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
    # The range a number (or each number of a list of numbers) may take, both ends allowed
    # (define(..., minimum=, maximum=)); None: no bound on that side.
    minimum: int | float | None = None
    maximum: int | float | None = None

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

    @property
    def bounded(self) -> bool:
        """Whether the rule has a range and its values are numbers it applies to."""
        if self.minimum is None and self.maximum is None:
            return False
        return self.kind in (KIND_INT, KIND_FLOAT) or self._int_lines

    @property
    def _int_lines(self) -> bool:
        default = self.default
        return (
            self.kind == KIND_LINES
            and bool(default)
            and all(isinstance(item, int) and not isinstance(item, bool) for item in default)
        )

    def range_text(self) -> str:
        """The allowed range in words ("1至365"), "" for a rule without one."""
        if not self.bounded:
            return ""
        low, high = (display(v) if v is not None else None for v in (self.minimum, self.maximum))
        if low is not None and high is not None:
            return _("%(min)s至%(max)s") % {"min": low, "max": high}
        if low is not None:
            return _("不小于%(min)s") % {"min": low}
        return _("不大于%(max)s") % {"max": high}

    def _out_of_range(self, number) -> bool:
        return (self.minimum is not None and number < self.minimum) or (
            self.maximum is not None and number > self.maximum
        )

    def _range_error(self) -> str:
        if self.kind == KIND_FLOAT:
            return _("须在%(range)s之间。") % {"range": self.range_text()}
        if self.minimum is not None and self.maximum is not None:
            return _("须为%(range)s之间的整数。") % {"range": self.range_text()}
        return _("须为%(range)s的整数。") % {"range": self.range_text()}

    def _check_range(self, value: Any) -> None:
        """Refuse a number outside the rule's range, naming the range (a list of numbers:
        naming the item)."""
        if not self.bounded:
            return
        numbers = value if self._int_lines else [value]
        for number, item in enumerate(numbers, start=1):
            if isinstance(item, bool) or not isinstance(item, int | float):
                continue  # the shape check names it
            if self._out_of_range(item):
                error = self._range_error()
                if self._int_lines:
                    error = _("第%(n)d项“%(item)s”：%(error)s") % {
                        "n": number,
                        "item": item,
                        "error": error,
                    }
                raise ValidationError(error)

    def clamp(self, value: Any) -> Any:
        """A value read back within the rule's range: one stored before the rule had a range
        (or written around `set_value`) is read as the nearest end of it, so a stored 0 or
        10^20 working days cannot stop the work it times. Anything not a number of the
        rule's kind is returned as it is."""
        if not self.bounded or self._int_lines:
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            return value
        if isinstance(value, float) and not math.isfinite(value):
            return self.default
        if self.minimum is not None and value < self.minimum:
            return self.minimum
        if self.maximum is not None and value > self.maximum:
            return self.maximum
        return value

    def validate(self, value: Any) -> Any:
        """Values keep the shape of the default: a number stays a number, a list of pairs a
        list of pairs, within the rule's range. Raises ValidationError with a Chinese
        message."""
        if self.bounded and self.kind in (KIND_INT, KIND_FLOAT):
            # A number out of range (a negative one too) is told the range it must be in.
            if not isinstance(value, bool) and isinstance(value, int | float):
                if not (isinstance(value, float) and not math.isfinite(value)):
                    self._check_range(value)
        error = _shape_error(value, self.default)
        if error:
            raise ValidationError(error)
        self._check_range(value)
        if self.kind == KIND_CHOICE:
            if value not in {code for code, _label in self.choice_list()}:
                raise ValidationError(_("不是可选项：%(codes)s") % {"codes": value})
        elif self.choices is not None:
            codes = {code for code, _label in self.choice_list()}
            flat = [v for item in value for v in (item if isinstance(item, list) else [item])]
            unknown = [str(v) for v in flat if v not in codes]
            if unknown:
                raise ValidationError(_("不是可选项：%(codes)s") % {"codes": _("、").join(unknown)})
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
    minimum=None,
    maximum=None,
) -> str:
    """Register a rule. `choices`: the codes a list (or, with a text default, a single value)
    draws from. `validate`: a callable checking a value beyond its shape (raises
    ValidationError with a Chinese message), run wherever a value is set. `minimum` and
    `maximum`: the range of a number (of each number of a list of numbers), both ends
    allowed: checked wherever a value is set, shown on the rules page, and a value stored
    outside it is read as the nearest end (`Rule.clamp`)."""
    rule = Rule(
        key,
        default,
        label,
        help_text,
        source or SPEC_DEFAULT,
        choices,
        validate,
        minimum=minimum,
        maximum=maximum,
    )
    if rule.bounded and not rule._int_lines and rule._out_of_range(default):
        raise ValueError(f"{key}: the default {default!r} is outside its own range")
    RULES[key] = rule
    return key


@dataclass(frozen=True)
class Order:
    """Rules whose values go down in this order wherever and whenever they are in force."""

    keys: tuple[str, ...]  # highest first
    strict: bool  # strictly lower each (优秀 > 良好), or never higher (警告 ≥ 提醒)


ORDERS: list[Order] = []


def descending(*keys: str, strict: bool = True) -> None:
    """Declare that the values of `keys` in force in any organisation on any day go down in
    this order: the grade thresholds 优秀 > 良好 > 称职. A change (a new value or a restore)
    that would break it — in the organisation, from its date on, or in an organisation below
    that keeps its own value of one of them — is refused, naming the other rule."""
    unknown = [key for key in keys if key not in RULES]
    if unknown or len(keys) < 2:
        raise ValueError(f"descending() needs two or more defined rules: {keys}")
    ORDERS.append(Order(tuple(keys), strict))


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
        # Code and label pairs (办理结果分类): "A：已解决或基本解决；B：…", not JSON. The
        # default labels are marked for translation and read in the reader's language; an
        # organisation's own labels have no translation and stay as typed.
        return _("；").join(
            f"{code}{_('：')}{_(label) if label else label}" for code, label in value
        )
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
    return rule.clamp(_in_force(rows, ids, rule.default)[0])


def get_each(pairs, key: str) -> list[Any]:
    """`get(organisation, key, on)` for each (organisation, on) of `pairs`, in one query: a
    list whose rows each take the rule in force on their own day."""
    from .models import OrgSetting

    rule = RULES[key]
    pairs = list(pairs)
    if not pairs:
        return []
    chains = [_ids(org) if org is not None else [] for org, _on in pairs]
    rows = list(
        OrgSetting.objects.filter(
            organisation_id__in={pk for ids in chains for pk in ids},
            key=key,
            effective_from__lte=max(on for _org, on in pairs),
        ).values_list("organisation_id", "effective_from", "inherit", "value")
    )
    return [
        rule.clamp(_in_force([r for r in rows if r[1] <= on], ids, rule.default)[0])
        for (_org, on), ids in zip(pairs, chains, strict=True)
    ]


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
    return {pk: rule.clamp(_in_force(rows, ids, rule.default)[0]) for pk, ids in chains.items()}


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
        pk: {
            key: RULES[key].clamp(_in_force(rows[key], ids, RULES[key].default)[0]) for key in keys
        }
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
    # The value stored, when it is outside the rule's range (`value` is then what applies:
    # the nearest end of the range); None when it is within.
    stored: Any = None

    @property
    def stored_shown(self) -> str:
        return "" if self.stored is None else self.rule.display(self.stored)


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
        stored, source = _in_force([r for r in rows if r[1] <= on], ids, rule.default)
        value = rule.clamp(stored)
        history = events_by_key.get(key, [])
        states.append(
            RuleState(
                rule=rule,
                value=value,
                stored=None if value == stored else stored,
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


def _note(rule: Rule, old: Any, new: Any, effective_from: dt.date) -> str:
    from xieshang.core.text import chinese_date

    return _("%(label)s：%(old)s → %(new)s（自%(date)s起施行）") % {
        "label": rule.label,
        "old": rule.display(old),
        "new": rule.display(new),
        "date": chinese_date(effective_from),
    }


# --- Rules kept in order ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Clash:
    """Two ordered rules out of order in one organisation from one day."""

    org_id: int
    on: dt.date
    high: str
    low: str
    strict: bool
    high_value: Any
    low_value: Any
    gap: int = 1  # how far apart the two are in their order: the nearest is named first

    @property
    def where(self) -> tuple:
        return (self.org_id, self.on, self.high, self.low)


def _clashes(organisation, key: str, start: dt.date) -> list[_Clash]:
    """Pairs of ordered rules, one of them `key`, out of order from `start` on: in
    `organisation` and in the organisations below it that keep their own value of one of
    them (the others read the same values as `organisation`). Checked on `start` and on
    every later day one of these values changes. One query per such day."""
    from .models import Organisation, OrgSetting

    orders = [order for order in ORDERS if key in order.keys]
    if not orders:
        return []
    keys = sorted({k for order in orders for k in order.keys})
    below = (
        list(
            Organisation.objects.filter(path__startswith=organisation.path, settings__key__in=keys)
            .exclude(pk=organisation.pk)
            .distinct()
        )
        if organisation.path
        else []
    )
    checked = [organisation, *below]
    chains = {pk for org in checked for pk in _ids(org)}
    days = {start} | set(
        OrgSetting.objects.filter(
            organisation_id__in=chains, key__in=keys, effective_from__gt=start
        ).values_list("effective_from", flat=True)
    )
    found = []
    for day in sorted(days):
        values = get_keys(checked, keys, on=day)
        for org in checked:
            for order in orders:
                position = order.keys.index(key)
                for other in order.keys:
                    if other == key:
                        continue
                    high, low = (key, other) if position < order.keys.index(other) else (other, key)
                    a, b = values[org.pk][high], values[org.pk][low]
                    if (a <= b) if order.strict else (a < b):
                        gap = abs(position - order.keys.index(other))
                        found.append(_Clash(org.pk, day, high, low, order.strict, a, b, gap))
    return found


def _refuse_clashes(organisation, key: str, start: dt.date, before: list[_Clash]) -> None:
    """After a change of `key` (inside its transaction): refuse it if two ordered rules are
    now out of order in `organisation`, or newly so below it (a clash an organisation below
    already had is its own to mend, not a reason to refuse a change above it)."""
    if not any(key in order.keys for order in ORDERS):
        return
    known = {clash.where for clash in before}
    clashes = [
        clash
        for clash in _clashes(organisation, key, start)
        if clash.org_id == organisation.pk or clash.where not in known
    ]
    if not clashes:
        return
    clash = min(clashes, key=lambda c: (c.org_id != organisation.pk, c.on, c.gap))
    raise ValidationError({"value": _clash_message(organisation, key, start, clash)})


def _clash_message(organisation, key: str, start: dt.date, clash: _Clash) -> str:
    from xieshang.core.text import chinese_date

    from .models import Organisation

    other = clash.low if clash.high == key else clash.high
    if clash.high == key:
        relation = _("须高于") if clash.strict else _("不能低于")
        this_value, other_value = clash.high_value, clash.low_value
    else:
        relation = _("须低于") if clash.strict else _("不能高于")
        this_value, other_value = clash.low_value, clash.high_value
    when = (
        _("施行后") if clash.on == start else _("自%(date)s起") % {"date": chinese_date(clash.on)}
    )
    words = {
        "this": RULES[key].label,
        "other": RULES[other].label,
        "relation": relation,
        "when": when,
        "a": RULES[key].display(this_value),
        "b": RULES[other].display(other_value),
    }
    if clash.org_id == organisation.pk:
        return (
            _("与%(other)s冲突：%(this)s%(relation)s%(other)s，%(when)s二者将分别为%(a)s和%(b)s。")
            % words
        )
    words["org"] = Organisation.objects.get(pk=clash.org_id).name
    return (
        _(
            "与下级组织%(org)s的%(other)s冲突：%(this)s%(relation)s%(other)s，"
            "%(when)s该组织二者将分别为%(a)s和%(b)s。"
        )
        % words
    )


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
    """Give `organisation` its own value of `key` from `effective_from` (default today).
    Refused (ValidationError) when the value is not of the rule's shape or range, or would
    put ordered rules (`descending`) out of order."""
    from xieshang.core.audit import record_event

    from .models import OrgSetting

    rule = RULES[key]
    value = rule.validate(value)
    effective_from = _begin_change(organisation, key, expected_version, effective_from)
    before = _clashes(organisation, key, effective_from)
    old = get(organisation, key, on=effective_from)
    OrgSetting.objects.update_or_create(
        organisation=organisation,
        key=key,
        effective_from=effective_from,
        defaults={"value": value, "inherit": False, "updated_by": actor},
    )
    _refuse_clashes(organisation, key, effective_from, before)
    record_event(
        actor=actor,
        verb=VERB_SET,
        subject=organisation,
        organisation=organisation,
        note=_note(rule, old, value, effective_from),
        data={"key": key, "from": old, "to": value, "effective_from": effective_from.isoformat()},
    )


def _withdrawn_note(rule: Rule, withdrawn: list[dict]) -> str:
    """The scheduled changes a restore withdrew, in words: 撤销了拟于2099年1月1日施行的调整
    （10 → 20）."""
    from xieshang.core.text import chinese_date

    parts = []
    for item in withdrawn:
        words = {
            "date": chinese_date(item["date"]),
            "old": rule.display(item["from"]),
            "new": rule.display(item["to"]),
        }
        if item["inherit"]:
            parts.append(
                _("撤销了拟于%(date)s起恢复继承上级设置的安排（%(old)s → %(new)s）") % words
            )
        else:
            parts.append(_("撤销了拟于%(date)s施行的调整（%(old)s → %(new)s）") % words)
    return "；".join(parts)


@transaction.atomic
def restore_inherited(
    organisation,
    key: str,
    *,
    actor,
    effective_from: dt.date | None = None,
    expected_version: int | None = None,
) -> str:
    """End `organisation`'s own value of `key` from `effective_from` (default today): the
    nearest ancestor's value (or the default) applies again. Own values scheduled from that
    day on are deleted (withdrawn); older ones stay for the days they covered. Returns the
    audit note: what was restored and which scheduled changes were withdrawn."""
    from xieshang.core.audit import record_event

    from .models import OrgSetting

    rule = RULES[key]
    effective_from = _begin_change(organisation, key, expected_version, effective_from)
    own = OrgSetting.objects.filter(organisation=organisation, key=key)
    old = get(organisation, key, on=effective_from)
    later = own.filter(effective_from__gte=effective_from)
    earlier = own.filter(effective_from__lt=effective_from).order_by("-effective_from").first()
    # Whether the organisation's own value is in force on the day (restoring changes it),
    # and whether it has changes scheduled after it (restoring withdraws them).
    in_force = own.filter(effective_from__lte=effective_from).order_by("-effective_from").first()
    restoring = in_force is not None and not in_force.inherit
    if not restoring and not later.filter(effective_from__gt=effective_from).exists():
        raise ValidationError(_("本组织没有单独设置此规则，无需恢复。"))
    # Own changes scheduled after the day, withdrawn with it: what each would have changed.
    withdrawn = [
        {
            "date": row.effective_from,
            "inherit": row.inherit,
            "from": get(organisation, key, on=row.effective_from - dt.timedelta(days=1)),
            "to": get(organisation, key, on=row.effective_from),
        }
        for row in later.filter(effective_from__gt=effective_from).order_by("effective_from")
    ]
    before = _clashes(organisation, key, effective_from)
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
    _refuse_clashes(organisation, key, effective_from, before)
    if restoring:
        note = _("恢复继承上级设置。") + _note(rule, old, new, effective_from)
        if withdrawn:
            note += _("；同时%(withdrawn)s。") % {"withdrawn": _withdrawn_note(rule, withdrawn)}
    else:
        note = _("%(label)s：%(withdrawn)s。") % {
            "label": rule.label,
            "withdrawn": _withdrawn_note(rule, withdrawn),
        }
    record_event(
        actor=actor,
        verb=VERB_RESTORE,
        subject=organisation,
        organisation=organisation,
        note=note,
        data={
            "key": key,
            "from": old,
            "to": new,
            "effective_from": effective_from.isoformat(),
            "withdrawn": [
                {
                    "effective_from": item["date"].isoformat(),
                    "inherit": item["inherit"],
                    "from": item["from"],
                    "to": item["to"],
                }
                for item in withdrawn
            ],
        },
    )
    return note
