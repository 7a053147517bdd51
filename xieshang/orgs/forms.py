"""The rules page's form: one generated per configurable rule from the type of its default
(orgs.config), never written by hand per rule."""

import json
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.core import access, pickers
from xieshang.core.forms import StyledForm, style_widgets
from xieshang.core.picker_sources import organisation_label, with_namesakes
from xieshang.core.widgets import DateInput

from . import config
from .models import Organisation

MAX_TEXT = 20000  # characters of a list or table typed into a rule


def _as_text(rule: config.Rule, value) -> object:
    """The value as its input shows it."""
    if rule.kind == config.KIND_LINES:
        return "\n".join(str(item) for item in value or [])
    if rule.kind == config.KIND_CHOICES:
        return list(value or [])
    if rule.kind == config.KIND_GROUPS:
        labels = dict(rule.choice_list())
        # As they are typed back: the field splits on 、 whatever the reader's language.
        groups = ("、".join(labels.get(v, v) for v in group) for group in value or [])  # typed back
        return "\n".join(groups)
    if rule.kind == config.KIND_JSON:
        return json.dumps(value, ensure_ascii=False, indent=1)
    return value


def _number_attrs(rule: config.Rule, **attrs) -> dict:
    """The input's own range (shown by the browser's spinner; the form is `novalidate`, the
    server names the range when a value is outside it)."""
    if rule.minimum is not None:
        attrs["min"] = rule.minimum
    if rule.maximum is not None:
        attrs["max"] = rule.maximum
    return attrs


def _range_help(rule: config.Rule) -> str:
    text = rule.range_text()
    return _("可填范围：%(range)s。") % {"range": text} if text else ""


def _value_field(rule: config.Rule) -> forms.Field:
    label = _("新值")
    if rule.kind == config.KIND_BOOL:
        return forms.BooleanField(label=label, required=False)
    # A number's range is the rule's (`config.define(minimum=, maximum=)`), checked by
    # `rule.validate` in `clean_value` with a message naming it; an unbounded number is
    # still refused when negative there.
    if rule.kind == config.KIND_INT:
        return forms.IntegerField(
            label=label,
            widget=forms.NumberInput(attrs=_number_attrs(rule)),
            help_text=_range_help(rule),
        )
    if rule.kind == config.KIND_FLOAT:
        return forms.FloatField(
            label=label,
            widget=forms.NumberInput(attrs=_number_attrs(rule, step="any")),
            help_text=_range_help(rule),
        )
    if rule.kind == config.KIND_TEXT:
        return forms.CharField(label=label, max_length=500)
    if rule.kind == config.KIND_CHOICE:
        return forms.ChoiceField(label=label, choices=rule.choice_list())
    if rule.kind == config.KIND_CHOICES:
        return forms.MultipleChoiceField(
            label=label,
            choices=rule.choice_list(),
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": _("至少选择一项。")},
        )
    if rule.kind == config.KIND_GROUPS:
        return forms.CharField(
            label=label,
            max_length=MAX_TEXT,
            widget=forms.Textarea(attrs={"rows": max(len(rule.default), 3)}),
            help_text=_("每行一组，组内各项用顿号分隔；每组至少满足其中一项。"),
        )
    if rule.kind == config.KIND_LINES:
        return forms.CharField(
            label=label,
            max_length=MAX_TEXT,
            widget=forms.Textarea(attrs={"rows": min(max(len(rule.default), 3), 12)}),
            help_text=_("每行一项。") + _range_help(rule),
        )
    return forms.CharField(
        label=label,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_("JSON 格式，结构须与默认值相同。"),
    )


class RuleForm(StyledForm, forms.Form):
    """Change one rule: the new value, the day it takes effect and the version read."""

    effective_from = forms.DateField(
        label=_("施行日期"),
        widget=DateInput(),
        help_text=_("此日及以后按新值办理；此前已发生的事项不受影响。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, rule: config.Rule, value=None, version: int = 0, **kwargs):
        self.rule = rule
        kwargs.setdefault("prefix", rule.key.replace(".", "-"))
        kwargs.setdefault(
            "initial",
            {
                "value": _as_text(rule, value if value is not None else rule.default),
                "effective_from": timezone.localdate(),
                "version": version,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields = {"value": _value_field(rule), **self.fields}
        style_widgets(self)

    def clean_value(self):
        raw = self.cleaned_data["value"]
        kind = self.rule.kind
        if kind == config.KIND_LINES:
            items = [line.strip() for line in raw.splitlines() if line.strip()]
            if self.rule.default and isinstance(self.rule.default[0], int):
                parsed = []
                for number, item in enumerate(items, start=1):
                    try:
                        parsed.append(int(item))
                    except ValueError:
                        raise ValidationError(
                            _("第%(n)d行“%(item)s”须为整数。") % {"n": number, "item": item}
                        ) from None
                items = parsed
            raw = items
        elif kind == config.KIND_GROUPS:
            codes = {label: code for code, label in self.rule.choice_list()}
            codes.update({code: code for code in codes.values()})
            groups = []
            for number, line in enumerate(raw.splitlines(), start=1):
                names = [n for n in re.split(r"[、，,；;\s]+", line) if n]
                if not names:
                    continue
                unknown = [n for n in names if n not in codes]
                if unknown:
                    raise ValidationError(
                        _("第%(n)d行：“%(names)s”不是可选项，可选：%(all)s")
                        % {
                            "n": number,
                            "names": _("、").join(unknown),
                            "all": _("、").join(label for _c, label in self.rule.choice_list()),
                        }
                    )
                groups.append([codes[n] for n in names])
            raw = groups
        elif kind == config.KIND_JSON:
            try:
                raw = json.loads(raw)
            except RecursionError:
                raise ValidationError(_("JSON 嵌套层次过深。")) from None
            except json.JSONDecodeError as exc:
                raise ValidationError(
                    _("不是有效的 JSON（第%(line)d行第%(col)d列）：请检查括号、引号和逗号。")
                    % {"line": exc.lineno, "col": exc.colno}
                ) from None
        return self.rule.validate(raw)

    def clean_effective_from(self):
        value = self.cleaned_data["effective_from"]
        if value < timezone.localdate():
            raise ValidationError(_("施行日期不能早于今天：已发生的事按当时的规则办理。"))
        return value


class RestoreForm(forms.Form):
    effective_from = forms.DateField(required=False)
    version = forms.IntegerField(min_value=0)


class OrganisationSwitchForm(forms.Form):
    """A page's "切换组织" (the rules, the assessment report): which organisation the page is
    about, among those where the user holds `perm`. A province's tree is thousands of
    organisations: searched on the server (core "organisations" source, same permission);
    this queryset validates."""

    org = forms.ModelChoiceField(
        label=_("切换组织"),
        queryset=Organisation.objects.none(),
        # Words, not Django's "---------", for the choice before one is made.
        empty_label=_("请选择组织"),
        error_messages={
            "required": _("请选择组织。"),
            "invalid_choice": _("该组织不在您可选的范围内，请从列表中选择。"),
        },
    )

    def __init__(self, *args, user, perm: str, levels=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        qs = access.organisations(user, perm)
        params = {"perm": perm}
        if levels:  # only these levels offered and accepted (the committees, say)
            qs = qs.filter(level__in=levels)
            params["level"] = ",".join(levels)
        field.queryset = with_namesakes(qs.order_by("path"))
        field.label_from_instance = organisation_label
        field.widget.attrs["class"] = "form-select form-select-sm"
        pickers.attach(field, "organisations", params)


def chosen_committee(request, perm: str, *, levels=None):
    """(organisation, switcher) of a report about one committee's work: the committee chosen
    with `?org=` (or typed, `org__q`, without JavaScript) among those where the user holds
    `perm`, else the user's own. The switcher is None for a user who oversees one committee
    only (its streets and communities are part of its work); the organisation is None for a
    user without `perm` at home (a department's staff: their own rows, wherever they are).
    `levels` narrows the switcher's choices (the committees only, not their streets)."""
    from .models import Level

    home = access.home_organisation(request.user)
    if home is None or not access.can(request.user, perm, home):
        return None, None
    committees = access.organisations(request.user, perm).filter(
        level__in=[Level.PROVINCE, Level.CITY, Level.DISTRICT]
    )
    if not committees.exclude(pk=home.pk).exists():
        return home, None
    if request.GET.get("org") or request.GET.get("org__q"):
        switch = OrganisationSwitchForm(request.GET, user=request.user, perm=perm, levels=levels)
        if switch.is_valid():
            return switch.cleaned_data["org"], switch
    else:
        switch = OrganisationSwitchForm(
            initial={"org": home}, user=request.user, perm=perm, levels=levels
        )
    return home, switch
