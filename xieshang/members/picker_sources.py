"""The server-searched pickers of the members pages (core.pickers, issue 14).

The list filters' terms, sectors, special committees and activity groups (`member-*`),
which grow with the organisation tree (about 5,000 choices for a province office): each is
scoped like `selectors.filter_choices(user, perm)`: the organisations where the user holds
`perm` (a known permission, default "members.view").

The member form's sectors, special committees, activity groups and streets
(`member-form-*`): of the CPPCC
committees where the user holds "members.edit", or of the one given as `organisation=<id>`
(404 when the user may not edit there), as `forms.MemberForm` offers them.

The talk and visit form's members, interviewer accounts and follow-up units (`contact-*`),
of the committees where the user holds "members.contacts", as `forms_people.ContactForm`.

The Party group and convener pages' forms (`party-*`, `convener-*`): of committee
`organisation=<id>` (and its current term), for a user who holds the page's permission
there, as the page does (`views_people._organisation`); 404 otherwise.

`multi=1` labels each choice with its organisation, as the forms do for users who see
several. Each source is the queryset its form validates with, so a choice outside it is
refused there.
"""

from django.http import Http404

from xieshang.core import access, pickers
from xieshang.core.picker_sources import int_param, scope_perm
from xieshang.core.text import aside
from xieshang.orgs.models import ActivityGroup, Committee, Organisation, Sector

from . import contacts, conveners, partygroups, selectors
from .forms import member_streets
from .forms_people import (
    contact_departments,
    cpc_members,
    department_label,
    resident_candidates,
    seat_label,
    seated_members,
    staff_users,
    streets_under,
    term_members,
    user_label,
)
from .labels import member_label


def _label(params):
    if params.get("multi"):
        return lambda o: aside(o, o.organisation)
    return str


def _choices(key: str, order: tuple[str, ...]):
    def queryset_for_user(user, params):
        return selectors.filter_choices(user, scope_perm(params, "members.view"))[key].order_by(
            *order
        )

    return queryset_for_user


pickers.register(
    "member-terms",
    queryset_for_user=_choices("terms", ("organisation__path", "-number")),
    labeler=_label,
    search_fields=("organisation__name",),
)
pickers.register(
    "member-sectors",
    queryset_for_user=_choices("sectors", ("organisation__path", "sort_order", "id")),
    labeler=_label,
    search_fields=("name", "organisation__name"),
)
pickers.register(
    "member-committees",
    queryset_for_user=_choices("committees", ("organisation__path", "sort_order", "id")),
    labeler=_label,
    search_fields=("name", "organisation__name"),
)
pickers.register(
    "member-groups",
    queryset_for_user=_choices("groups", ("organisation__path", "id")),
    labeler=_label,
    search_fields=("name", "organisation__name"),
)


# --- The member form ------------------------------------------------------------------------


def _edit_orgs(user, params):
    orgs = selectors.cppcc_organisations(user, "members.edit")
    if params.get("organisation"):
        orgs = orgs.filter(pk=int_param(params, "organisation"))
        if not orgs.exists():
            raise Http404
    return orgs


def _in_edit_orgs(model, *order):
    """The `model` rows (sectors, committees, groups) of the committees the user edits
    members in, optionally of one (`organisation=<id>`)."""

    def queryset(user, params):
        return (
            model.objects.filter(organisation__in=_edit_orgs(user, params))
            .select_related("organisation")
            .order_by("organisation__path", *order)
        )

    return queryset


for _name, _model, _order in (
    ("member-form-sectors", Sector, ("sort_order", "id")),
    ("member-form-committees", Committee, ("sort_order", "id")),
    ("member-form-groups", ActivityGroup, ("id",)),
):
    pickers.register(
        _name,
        queryset_for_user=_in_edit_orgs(_model, *_order),
        labeler=_label,
        search_fields=("name", "organisation__name"),
    )
pickers.register(
    "member-form-streets",
    queryset_for_user=lambda user, params: member_streets(list(_edit_orgs(user, params))),
    label=lambda o: o.name,
    search_fields=("name",),
)


# --- Talks and visits -----------------------------------------------------------------------


def _contact_orgs(user):
    access.require(user, contacts.PERM)
    return selectors.cppcc_organisations(user, contacts.PERM)


pickers.register(
    "contact-members",
    queryset_for_user=lambda user, params: seated_members(_contact_orgs(user)),
    label=member_label,
    search_fields=("name",),
    names=True,
)
pickers.register(
    "contact-users",
    queryset_for_user=lambda user, params: staff_users(access.organisations(user, contacts.PERM)),
    label=user_label,
    search_fields=("full_name", "username"),
    perm=contacts.PERM,
    names=True,
)
pickers.register(
    "contact-departments",
    queryset_for_user=lambda user, params: contact_departments(_contact_orgs(user)),
    labeler=lambda params: department_label(bool(params.get("multi"))),
    search_fields=("name", "organisation__name"),
)


# --- Party groups and conveners -------------------------------------------------------------


def _page_org(user, params, perm: str) -> Organisation:
    org = (
        selectors.cppcc_organisations(user, perm)
        .filter(pk=int_param(params, "organisation"))
        .first()
    )
    if org is None or not access.can(user, perm, org):
        raise Http404
    return org


def _page_term(user, params, perm: str):
    term = selectors.current_term(_page_org(user, params, perm))
    if term is None:
        raise Http404
    return term


pickers.register(
    "party-leaders",
    queryset_for_user=lambda user, params: cpc_members(_page_term(user, params, partygroups.PERM)),
    label=member_label,
    search_fields=("name",),
    names=True,
)
pickers.register(
    "party-seats",
    queryset_for_user=lambda user, params: partygroups.assignable_seats(
        _page_term(user, params, partygroups.PERM)
    ),
    label=seat_label,
    search_fields=("member__name",),
    names=True,
)
pickers.register(
    "convener-members",
    queryset_for_user=lambda user, params: term_members(_page_term(user, params, conveners.PERM)),
    label=member_label,
    search_fields=("name",),
    names=True,
)
pickers.register(
    "convener-residents",
    queryset_for_user=lambda user, params: resident_candidates(
        _page_org(user, params, conveners.PERM)
    ),
    label=member_label,
    search_fields=("name", "organisation__name"),
    names=True,
)
pickers.register(
    "convener-streets",
    queryset_for_user=lambda user, params: streets_under(_page_org(user, params, conveners.PERM)),
    label=lambda o: o.name,
    search_fields=("name",),
)
pickers.register(
    "convener-users",
    queryset_for_user=lambda user, params: staff_users(
        Organisation.objects.filter(path__startswith=_page_org(user, params, conveners.PERM).path)
    ),
    label=user_label,
    search_fields=("full_name", "username"),
    names=True,
)
