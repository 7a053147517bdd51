"""Server-searched pickers: a select that renders only its chosen option(s), and a JSON
endpoint that finds the others as the user types.

A page must not carry an option list that grows with the data (issue 14: 13.5 MB of merge
targets on a proposal page, 5,000 filter choices on the member list). Each list that grows is
declared once as a *source*::

    pickers.register(
        "departments",
        queryset_for_user=lambda user, params: access.scope(Department.objects..., user, perm),
        label=lambda d: f"{d.organisation} · {d.name}",
        search_fields=("name",),
    )

and a form field names it::

    department = forms.ModelChoiceField(queryset=..., widget=pickers.ServerPicker("departments"))

- The widget (`ServerPicker`, `ServerPickerMultiple`) renders a `<select>` holding only the
  empty choice and the selected option(s), marked `data-picker-source` with the endpoint's
  URL; `static/xs/pickers.js` turns it into a Tom Select that loads matches from there.
- The endpoint (`core:picker`, `/pickers/<source>/?q=…`) answers
  `{"results": [{"value": "12", "text": "…"}], "more": false}` from the source's
  `queryset_for_user(request.user, request.GET)`, which is always scoped to what that user may
  see (the source decides how; it may raise PermissionDenied or Http404 for a bad context).
  Matching: `icontains` on every search field, and pinyin (full or initials, "czj" → 市财政局)
  over the first search field, computed here with `pinyin_search_text` for sources up to
  PINYIN_SCAN rows. A source of people (`names=True`) matches pinyin from the name's start
  only, whole syllables or initials ("zhang", "zw" → 张伟, not 李章华), best spelt first
  (`widgets.pinyin_name_rank`). What the source's `suggest` offers (similar items) comes
  first.
- Validation is the form field's own: its (scoped) queryset decides, so a value the user may
  not choose is refused with the field's "invalid choice" error and the rest of the form is
  kept.
- Without JavaScript the widget also renders a text box (`<name>__q`): what is typed there is
  looked up on the server among the field's choices (an exact number or name, else a single
  partial match); pickers.js removes that box when it enhances the select.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .widgets import pinyin_name_rank, pinyin_search_text

RESULTS = 20  # matches per answer
PINYIN_SCAN = 5000  # pinyin is matched in Python over at most this many rows
_LATIN = re.compile(r"^(?=.*[a-z])[a-z0-9]+$")  # pinyin, with digits as in "A区2号"
_SPLIT = re.compile(r"[,，、;；\s]+")


@dataclass(frozen=True)
class Source:
    name: str
    queryset_for_user: Callable[[Any, Any], QuerySet]
    label: Callable[[Any], str] = str
    # Or, when the label depends on the request's context: params -> (obj -> str).
    labeler: Callable[[Any], Callable[[Any], str]] | None = None
    search_fields: tuple[str, ...] = ("name",)
    pinyin: bool = True
    # The first search field holds people's names: pinyin from the name's start, best first.
    names: bool = False
    # (user, params, queryset, q) -> objects offered first, best first (similar items, …);
    # called with every query, the empty one included. It must keep to `queryset`.
    suggest: Callable[[Any, Any, QuerySet, str], Iterable] | None = None
    # A permission the user must hold somewhere to use the source at all (checked first).
    perm: str | None = None
    extra: dict = field(default_factory=dict)

    def label_for(self, params) -> Callable[[Any], str]:
        return self.labeler(params) if self.labeler is not None else self.label


_REGISTRY: dict[str, Source] = {}


def register(name: str, **options) -> Source:
    """Declare (or re-declare, e.g. on a module reload) the source `name`."""
    source = Source(name=name, **options)
    _REGISTRY[name] = source
    return source


def get(name: str) -> Source:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise Http404(name) from None


def registered() -> list[str]:
    return sorted(_REGISTRY)


def source_queryset(name: str, user, params=None) -> QuerySet:
    """The scoped queryset of a source for `user`: what a form field using it should accept."""
    source = get(name)
    if source.perm:
        from . import access

        if not access.can(user, source.perm):
            raise PermissionDenied
    return source.queryset_for_user(user, params or {})


def _text_query(fields: Iterable[str], q: str) -> Q:
    cond = Q()
    for name in fields:
        cond |= Q(**{f"{name}__icontains": q})
    return cond


def match(
    queryset: QuerySet, q: str, *, search_fields, pinyin=True, names=False, limit=RESULTS
) -> list:
    """Objects of `queryset` matching `q`, in the queryset's order (pinyin matches of
    `names` best first), at most `limit` (+1 to tell that there are more)."""
    q = q.strip()[:100]
    if not q:
        return list(queryset[: limit + 1])
    found = list(queryset.filter(_text_query(search_fields, q))[: limit + 1])
    typed = q.lower().replace(" ", "")
    if pinyin and len(found) <= limit and _LATIN.match(typed) and search_fields:
        first = search_fields[0]
        rows = list(queryset.values_list("pk", first)[: PINYIN_SCAN + 1])
        if len(rows) <= PINYIN_SCAN:
            have = {obj.pk for obj in found}
            if names:
                ranked = []
                for index, (pk, text) in enumerate(rows):
                    rank = pinyin_name_rank(typed, str(text)) if pk not in have and text else None
                    if rank is not None:
                        ranked.append((rank, index, pk))
                extra = [pk for _rank, _index, pk in sorted(ranked)][: limit + 1 - len(found)]
            else:
                extra = [
                    pk
                    for pk, text in rows
                    if pk not in have and text and typed in pinyin_search_text(str(text))
                ][: limit + 1 - len(found)]
            if extra:
                place = {pk: n for n, pk in enumerate(extra)}
                found += sorted(queryset.filter(pk__in=extra), key=lambda obj: place[obj.pk])
    return found[: limit + 1]


def search(name: str, user, params, q: str, limit: int = RESULTS) -> tuple[list, bool]:
    """(objects, more) for the endpoint: suggestions first when nothing is typed."""
    source = get(name)
    qs = source_queryset(name, user, params)
    found: list = []
    if source.suggest is not None:
        found = list(source.suggest(user, params, qs, q.strip()))[:limit]
    seen = {obj.pk for obj in found}
    for obj in match(
        qs,
        q,
        search_fields=source.search_fields,
        pinyin=source.pinyin,
        names=source.names,
        limit=limit,
    ):
        if obj.pk not in seen:
            found.append(obj)
            seen.add(obj.pk)
    return found[:limit], len(found) > limit


@login_required
def endpoint(request, source: str):
    src = get(source)
    params = request.GET.copy()
    q = params.pop("q", [""])[-1]
    found, more = search(source, request.user, params, q)
    label = src.label_for(params)
    return JsonResponse(
        {
            "results": [{"value": str(obj.pk), "text": label(obj)} for obj in found],
            "more": more,
        },
        json_dumps_params={"ensure_ascii": False},
    )


# --- Widgets ------------------------------------------------------------------------------


_MAX_ID = 2**63 - 1  # a primary key past this is no row, and SQLite cannot even bind it


def _ints(values) -> list[int]:
    out = []
    for v in values:
        try:
            number = int(v)
        except (TypeError, ValueError):
            continue
        if 0 < number <= _MAX_ID:
            out.append(number)
    return out


class ServerPickerMixin:
    """A select of model choices that renders only the empty and the selected options."""

    fallback_help = _("输入编号或名称")

    def __init__(self, source: str, params: dict | None = None, attrs=None):
        super().__init__(attrs=attrs)
        self.source = source
        self.params = dict(params or {})

    def __deepcopy__(self, memo):
        obj = super().__deepcopy__(memo)
        obj.params = dict(self.params)
        return obj

    def _field(self):
        return getattr(self.choices, "field", None)

    def _queryset(self):
        return getattr(self.choices, "queryset", None)

    def url(self) -> str:
        base = reverse("picker", args=[self.source])
        return f"{base}?{urlencode(self.params)}" if self.params else base

    def optgroups(self, name, value, attrs=None):
        field, qs = self._field(), self._queryset()
        # Once each, in the order given: a refused post may name a choice twice (chosen in
        # the picker and typed again in the no-JavaScript box, or sent twice by the page).
        chosen = list(dict.fromkeys(str(v) for v in value if v not in (None, "")))
        options = []
        if field is not None and not self.allow_multiple_selected:
            if field.empty_label is not None:
                options.append(("", field.empty_label))
        if field is not None and qs is not None and _ints(chosen):
            objs = {str(o.pk): o for o in qs.filter(pk__in=_ints(chosen))}
            options += [
                (key, field.label_from_instance(objs[key])) for key in chosen if key in objs
            ]
        groups = []
        for index, (val, label) in enumerate(options):
            selected = val in chosen or (val == "" and not chosen)
            groups.append(
                (None, [self.create_option(name, val, label, selected, index, attrs=attrs)], index)
            )
        return groups

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-picker"] = ""
        context["widget"]["attrs"]["data-picker-source"] = self.url()
        if self.is_required:
            # Not `required` (see use_required_attribute): read by site.js, which asks no
            # confirmation of a form the server will refuse for want of a choice.
            context["widget"]["attrs"]["data-required"] = ""
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        box_id = f"{(attrs or {}).get('id') or self.attrs.get('id') or name}__q"
        box = format_html(
            '<input type="search" name="{}" id="{}" class="form-control form-control-sm mt-1 '
            'xs-picker-fallback" placeholder="{}" aria-label="{}" autocomplete="off">',
            f"{name}__q",
            box_id,
            self.fallback_help,
            self.fallback_help,
        )
        return mark_safe(html + box)

    # Without JavaScript: what was typed in the text box, looked up among the choices.
    def _lookup(self, typed: str):
        qs = self._queryset()
        if qs is None:
            return typed
        source = _REGISTRY.get(self.source)
        fields = source.search_fields if source else ("name",)
        exact = Q()
        for name in fields:
            exact |= Q(**{f"{name}__iexact": typed})
        hits = list(qs.filter(exact).values_list("pk", flat=True)[:2])
        if len(hits) != 1:
            hits = [
                o.pk
                for o in match(
                    qs,
                    typed,
                    search_fields=fields,
                    pinyin=source.pinyin if source else True,
                    names=source.names if source else False,
                    limit=1,
                )
            ]
        # Not found or ambiguous: the raw text goes on, and the field refuses it.
        return str(hits[0]) if len(hits) == 1 else typed

    def use_required_attribute(self, initial):
        # The server validates: a required <select> would block a post whose choice was
        # typed into the fallback text box, and asking Django would run the queryset.
        return False

    def value_omitted_from_data(self, data, files, name):
        return super().value_omitted_from_data(data, files, name) and f"{name}__q" not in data


class ServerPicker(ServerPickerMixin, forms.Select):
    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        typed = (data.get(f"{name}__q") or "").strip()
        if typed and value in (None, ""):
            return self._lookup(typed)
        return value


class ServerPickerMultiple(ServerPickerMixin, forms.SelectMultiple):
    def value_from_datadict(self, data, files, name):
        values = list(super().value_from_datadict(data, files, name) or [])
        typed = (data.get(f"{name}__q") or "").strip()
        if typed:
            values += [self._lookup(part) for part in _SPLIT.split(typed) if part]
        return values


def attach(
    form_field: forms.ModelChoiceField, source: str, params: dict | None = None
) -> forms.ModelChoiceField:
    """Give an existing model-choice field a server picker on `source`, keeping its attrs
    (classes) and its queryset (which still validates what is submitted). The options the
    widget renders (the selected ones) use the field's `label_from_instance`, so set it to
    the source's label for the same text before and after a choice."""
    cls = (
        ServerPickerMultiple
        if isinstance(form_field, forms.ModelMultipleChoiceField)
        else ServerPicker
    )
    old = form_field.widget
    widget = cls(source, params, attrs=dict(old.attrs))
    widget.choices = form_field.choices
    widget.is_required = old.is_required
    form_field.widget = widget
    return form_field
