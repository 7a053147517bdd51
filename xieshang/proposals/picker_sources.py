"""Server-searched pickers of the proposals app (core.pickers).

`assign-departments`: the active handling units where the user assigns proposals
(`proposals.assign`), narrowed to one organisation by `organisation=<id>`; with
`proposal=<id>` and nothing typed yet, the department suggestion (routing) comes first.
"""

from functools import partial

from django.core.exceptions import PermissionDenied
from django.http import Http404

from xieshang.core import access, pickers
from xieshang.core.picker_sources import department_label, departments
from xieshang.core.picker_sources import int_param as _int
from xieshang.members.labels import member_label, with_label_data
from xieshang.orgs.models import Department

from . import policies, routing, selectors, similarity
from .models import Proposal

PERM = "proposals.assign"


def _suggest(user, params, queryset, q: str):
    pk = _int(params, "proposal")
    if q or pk is None:
        return []
    proposal = access.scope(Proposal.objects.filter(pk=pk), user, PERM).first()
    if proposal is None:
        return []
    departments = [s.department for s in routing.suggest(proposal)]
    allowed = set(queryset.filter(pk__in=[d.pk for d in departments]).values_list("pk", flat=True))
    return [d for d in departments if d.pk in allowed]


pickers.register(
    "assign-departments",
    queryset_for_user=partial(departments, perm=PERM),
    labeler=department_label,
    search_fields=("name", "organisation__name"),
    suggest=_suggest,
    perm=PERM,
)


# --- The reviewer's merge target (issue 14) ----------------------------------------------------
# `proposal-merge`: the open proposals a reviewer may merge proposal `proposal=<id>` into
# (`selectors.merge_targets`, the queryset the merge form validates with). Similar proposals
# (`similarity.similar_proposals`) come first: over the proposal's own text when nothing is
# typed, over what is typed when it is long enough to compare; then number and title matches.

MERGE_SUGGESTED = 8


def _proposal_to_merge(user, params) -> Proposal:
    pk = _int(params, "proposal")
    proposal = (
        Proposal.objects.select_related("organisation").filter(pk=pk).first()
        if pk is not None
        else None
    )
    if proposal is None:
        raise Http404
    if not policies.can_review(user, proposal):
        raise PermissionDenied
    return proposal


def merge_targets(user, params):
    return selectors.merge_targets(_proposal_to_merge(user, params))


def similar_merge_targets(user, params, queryset, q: str):
    proposal = _proposal_to_merge(user, params)
    text = q if len(q) >= similarity.MIN_CHARS else ("" if q else proposal.full_text)
    if not text:
        return []
    found = similarity.similar_proposals(
        proposal.organisation, text, exclude_pk=proposal.pk, limit=MERGE_SUGGESTED
    )
    ids = [p.pk for p, _score in found]
    open_ids = set(queryset.filter(pk__in=ids).values_list("pk", flat=True))
    return [p for p, _score in found if p.pk in open_ids]


pickers.register(
    "proposal-merge",
    queryset_for_user=merge_targets,
    label=str,
    search_fields=("number", "title"),
    # 300,000 titles are no list to spell out in pinyin; number and title words find them.
    pinyin=False,
    suggest=similar_merge_targets,
    perm="proposals.review",
)


# --- The member's draft: co-signers and the suggested handling unit (issue 14) -----------------
# Both are chosen among the proposal's organisation: the member's own for a new draft, or with
# `proposal=<id>` the draft's (which only its first proposer may edit). `proposal-cosigners`
# is `selectors.cosigner_choices` (seated members, the drafter excluded) and
# `proposal-departments` the organisation's active departments: the querysets the draft form
# validates with.


def _draft_organisation(user, params):
    pk = _int(params, "proposal")
    if pk is None:
        member = access.member_of(user)
        if member is None:
            raise PermissionDenied
        return member.organisation_id
    proposal = Proposal.objects.filter(pk=pk).first()
    if proposal is None:
        raise Http404
    if not policies.is_first_proposer(user, proposal):
        raise PermissionDenied
    return proposal.organisation_id


def draft_cosigners(user, params):
    return with_label_data(
        selectors.cosigner_choices(_draft_organisation(user, params), access.member_of(user))
    )


def draft_departments(user, params):
    return Department.objects.filter(
        organisation_id=_draft_organisation(user, params), is_active=True
    ).order_by("sort_order", "name")


pickers.register(
    "proposal-cosigners",
    queryset_for_user=draft_cosigners,
    # Two 王芳 of one committee told apart by sector (and a former member marked).
    label=member_label,
    search_fields=("name",),
    # "zhang" or "zw" finds 张伟 first, not every name with zhang somewhere in its pinyin.
    names=True,
)
pickers.register(
    "proposal-departments",
    queryset_for_user=draft_departments,
    label=lambda d: d.name,
    search_fields=("name",),
)
