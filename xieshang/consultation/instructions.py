"""What consultation declares to followups (found there by autodiscovery):

- a consultation outcome once sent (协商纪要, 建议案, 协商专报) takes leaders' instructions
  (批示, C4.7), recorded by the office, the standing committee's secretary, or the Party
  committee's or government's office it was sent to (报党委办公室 / 报政府办公室), through the
  one mechanism of followups;
- an activity's page, for whoever `policies.can_view_activity` lets open it, so that the
  duty file links a member's attendance and speeches there (followups.subjects);
- the department assessment report counts the implementation of a key consultation activity
  (C2.6) under its own category.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.core import access
from xieshang.followups import instructions, subjects
from xieshang.followups.assessment import register_category
from xieshang.followups.models import Task
from xieshang.orgs.models import Role

from . import policies
from .models import Activity, Outcome, Participant, Speech

# The offices an outcome is sent to (报党委办公室 / 报政府办公室), by the outcome's flag.
SENT_TO = {Role.PARTY_OFFICE: "to_party_office", Role.GOVERNMENT_OFFICE: "to_government_office"}


def _offices_held(user, outcome: Outcome) -> set[str]:
    """The Party committee's or government's office roles `user` holds at the outcome's own
    node (where consultation.decide reaches)."""
    return {
        ra.role
        for ra in access.assignments(user)
        if ra.role in SENT_TO and ra.organisation_id == outcome.organisation_id
    }


def can_record_instruction(user, outcome: Outcome) -> bool:
    """The CPPCC office, and whoever takes the decision on it (consultation.decide): a Party
    committee's or government's office only on an outcome sent to it, the standing
    committee's secretary on any."""
    if policies.can_manage(user, outcome.organisation):
        return True
    if not policies.can_decide(user, outcome.organisation):
        return False
    offices = _offices_held(user, outcome)
    deciding_otherwise = access.roles(user, outcome.organisation) - set(SENT_TO)
    if not offices or any(
        "consultation.decide" in access.PERMISSIONS.get(role, ()) for role in deciding_otherwise
    ):
        return True
    return any(getattr(outcome, SENT_TO[role]) for role in offices)


def received(user):
    """报送本机关 · 待批示: the outcomes sent (not drafts) to the Party committee's or
    government's office `user` is, at its own node."""
    q = Q(pk__in=[])
    for ra in access.assignments(user):
        if ra.role in SENT_TO:
            q |= Q(organisation_id=ra.organisation_id, **{SENT_TO[ra.role]: True})
    return (
        Outcome.objects.filter(q)
        .exclude(status=Outcome.Status.DRAFT)
        .select_related("organisation")
    )


def _check(outcome: Outcome) -> str:
    if outcome.status == Outcome.Status.DRAFT:
        return _("协商成果报送后才能记录领导批示。")
    return ""


instructions.register(
    Outcome,
    label=gettext_lazy("协商成果"),
    url_name="consultation:outcome",
    can_record=can_record_instruction,
    check=_check,
    received=received,
    sent_on="submitted_on",
    # Not before the outcome went to the offices (a tester dated one before the activity).
    earliest=lambda outcome: outcome.submitted_on,
)
register_category(
    Task.Kind.IMPLEMENTATION, "consultation.planitem", gettext_lazy("重点协商活动落实")
)
subjects.register(Outcome, can_view=policies.can_view_outcome)


def viewable_activity_ids(user, activities) -> set[int]:
    """`policies.can_view_activity` for many activities at once (the duty file's links):
    the committee's readers by their role, the invited by their participant rows read in
    one query per organisation, so that a member's activities cost the same however many."""
    allowed: set[int] = set()
    rest: dict[int, list[Activity]] = {}
    for activity in activities:
        if policies.can_view(user, activity.organisation):
            allowed.add(activity.pk)
        else:
            rest.setdefault(activity.organisation_id, []).append(activity)
    for same_org in rest.values():
        # The rule's own match of the invited, as the page asks it (one organisation's).
        invited = policies._invitation_q(user, same_org[0])
        if invited is not None:
            allowed |= set(
                Participant.objects.filter(
                    invited, activity__in=[a.pk for a in same_org]
                ).values_list("activity_id", flat=True)
            )
    return allowed


subjects.register(
    Activity,
    can_view=policies.can_view_activity,
    can_view_many=viewable_activity_ids,
    url=lambda activity: reverse("consultation:activity", args=[activity.pk]),
)
# A speech (协商发言) counts in its member's duty file; it is shown on the activity's page.
subjects.register_part(Speech, page="activity")
