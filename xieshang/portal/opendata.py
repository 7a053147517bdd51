"""开放数据: what the portal publishes, also as CSV and JSON files (no login).

A dataset is registered by key with a label, a description, its fields (key + Chinese
header) and three functions of the app that owns the data:

    opendata.register(Dataset(
        key="platform-sessions", label=..., description=..., fields=[Field("title", _("议题")), …],
        queryset=public_outcomes,        # () -> QuerySet of the PUBLISHED rows only
        org_path="platform__organisation__path",   # the ?org= filter: that subtree
        year_lookup="starts_at__year",   # the ?year= filter
        updated="published_on",          # "last updated" on the index: Max() of this field
        rows=public_rows,                # (list of the queryset's rows) -> list of dicts
    ))

Portal sits below the other domain apps, so it never imports them: each app registers its
datasets in its own `opendata.py`, found by autodiscovery (`PortalConfig.ready`). Portal
itself provides the proposals dataset, below.

The rule of the section: a dataset holds exactly what the app's public pages already show
— the same querysets (`queryset` is the page's own selector) and the same stripping
(`rows` builds each row with the page's own function or the same known values) — never
more. `rows` runs a fixed number of queries, whatever the number of rows.

A file holds at most `MAX_ROWS` rows, newest first; a larger dataset is downloaded in parts
with ?year= and ?org=.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Max, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Rows per file. A district publishes a few hundred items a year; the cap keeps one
# request's memory and time bounded (the rows are built in memory, with their texts).
MAX_ROWS = 5000


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # the Chinese header of the CSV column
    link: bool = False  # a site path, written as an absolute address


@dataclass(frozen=True)
class Dataset:
    key: str
    label: str
    description: str
    fields: list[Field]
    queryset: Callable[[], QuerySet]
    rows: Callable[[list], list[dict]]
    org_path: str
    year_lookup: str
    updated: str
    order: int = 50

    def filtered(self, *, org=None, year: int | None = None) -> QuerySet:
        qs = self.queryset()
        if org is not None:
            qs = qs.filter(**{f"{self.org_path}__startswith": org.path})
        if year is not None:
            qs = qs.filter(**{self.year_lookup: year})
        return qs

    def summary(self, *, org=None, year: int | None = None) -> dict:
        """Number of rows and the latest change, in one query; `ids` (the sum of the rows'
        keys) tells two sets of rows apart whose count and latest change agree (one item
        withdrawn, an older one published)."""
        found = (
            self.filtered(org=org, year=year)
            .order_by()
            .aggregate(count=Count("pk"), updated=Max(self.updated), ids=Sum("pk"))
        )
        return {"count": found["count"], "updated": found["updated"], "ids": found["ids"]}

    def items(self, *, org=None, year: int | None = None) -> list[dict]:
        """The rows of the file: the first MAX_ROWS of the filtered queryset, in its order."""
        return self.rows(list(self.filtered(org=org, year=year)[:MAX_ROWS]))


_datasets: dict[str, Dataset] = {}


def register(dataset: Dataset) -> Dataset:
    _datasets[dataset.key] = dataset
    return dataset


def get(key: str) -> Dataset | None:
    return _datasets.get(key)


def datasets() -> list[Dataset]:
    return sorted(_datasets.values(), key=lambda d: (d.order, d.key))


def keys() -> list[str]:
    return sorted(_datasets)


def joined(values: Iterable[str], sep: str = "；") -> str:
    return sep.join(v for v in values if v)


# --- the proposals dataset (portal's own) ---------------------------------------------------


def _proposal_rows(proposals: list) -> list[dict]:
    """One row per published proposal, as portal:proposal shows it: proposers by name, the
    answers' departments, categories, dates and texts with every contact stripped."""
    from xieshang.proposals.models import Answer, Signer
    from xieshang.proposals.services import outcome_categories

    from .scrub import strip_contacts
    from .selectors import contact_values

    ids = [p.pk for p in proposals]
    # The same rows as selectors.public_answers / public_signers, for all proposals at once.
    answers: dict[int, list] = {}
    for a in (
        Answer.objects.sent()
        .filter(assignment__proposal_id__in=ids)
        .select_related("assignment__department")
        .order_by("answered_at", "id")
    ):
        answers.setdefault(a.assignment.proposal_id, []).append(a)
    signers: dict[int, list] = {}
    for s in Signer.objects.filter(
        proposal_id__in=ids, status=Signer.Status.CONFIRMED
    ).select_related("member"):
        signers.setdefault(s.proposal_id, []).append(s)
    categories: dict[int, dict] = {}  # one lookup per organisation, not per row
    out = []
    for p in proposals:
        found = answers.get(p.pk, [])
        proposers = [m for m in [p.first_proposer, *(s.member for s in signers.get(p.pk, []))] if m]
        known = contact_values(proposers, found)
        if p.organisation_id not in categories:
            categories[p.organisation_id] = outcome_categories(p.organisation)
        labels = categories[p.organisation_id]
        departments = []
        for a in found:
            name = f"{a.assignment.department.name}（{a.assignment.get_role_display()}）"
            if name not in departments:
                departments.append(name)
        out.append(
            {
                "number": p.number,
                "title": strip_contacts(p.title, known),
                "kind": p.get_kind_display(),
                "year": p.year,
                "organisation": p.organisation.name,
                "proposers": joined((m.name for m in proposers), "、") or p.proposer_body,
                "departments": joined(departments, "、"),
                "categories": joined(
                    f"{a.category}类 {labels.get(a.category, '')}".strip() for a in found
                ),
                "answered_on": (
                    timezone.localdate(max(a.sent_at for a in found)) if found else None
                ),
                "published_at": p.published_at,
                "answer": joined(
                    (
                        f"【{a.assignment.department.name}】{strip_contacts(a.text, known)}"
                        for a in found
                    ),
                    "\n\n",
                ),
                "url": reverse("portal:proposal", args=[p.pk]),
            }
        )
    return out


def _published_proposals() -> QuerySet:
    from .selectors import published_proposals

    return (
        published_proposals()
        .select_related("organisation", "first_proposer")
        .order_by("-published_at", "-id")
    )


register(
    Dataset(
        key="proposals",
        label=_("提案办理答复"),
        description=_(
            "在公众平台公开的提案及其办理答复：提案号、案由、类别、年度、提案人、"
            "办理单位、办理结果、答复时间和答复内容（已隐去联系人及联系方式）。"
        ),
        fields=[
            Field("number", _("提案号")),
            Field("title", _("案由")),
            Field("kind", _("类别")),
            Field("year", _("年度")),
            Field("organisation", _("政协组织")),
            Field("proposers", _("提案人")),
            Field("departments", _("办理单位")),
            Field("categories", _("办理结果")),
            Field("answered_on", _("答复日期")),
            Field("published_at", _("公开时间")),
            Field("answer", _("答复内容")),
            Field("url", _("网页地址"), link=True),
        ],
        queryset=_published_proposals,
        rows=_proposal_rows,
        org_path="organisation__path",
        year_lookup="year",
        updated="published_at",
        order=10,
    )
)
