"""Who may see and act on consultation rows, on top of core.access.

The approval chain of the annual plan (C2.4) gives each step to one body: the CPPCC office
drafts, the Party committee office and the government office revise (the Party office
completes the revision), the chairman's meeting reviews and the Party standing committee
approves. Each step may send the plan back one step with its comments.
"""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from xieshang.core import access
from xieshang.followups.policies import answers_about
from xieshang.orgs.models import Role

from .models import ConsultationPlan, Outcome, Participant, Topic

PS = ConsultationPlan.Status

NEXT = {
    PS.DRAFT: PS.REVISION,
    PS.REVISION: PS.REVIEW,
    PS.REVIEW: PS.APPROVAL,
    PS.APPROVAL: PS.PUBLISHED,
}
PREVIOUS = {PS.REVISION: PS.DRAFT, PS.REVIEW: PS.REVISION, PS.APPROVAL: PS.REVIEW}

# The permission that moves the plan on from each state, and the one that may send it back.
FORWARD_PERMISSION = {
    PS.DRAFT: "consultation.plan_draft",
    PS.REVISION: "consultation.plan_revision_complete",
    PS.REVIEW: "consultation.plan_review",
    PS.APPROVAL: "consultation.plan_approve",
}
SEND_BACK_PERMISSION = {
    PS.REVISION: "consultation.plan_revise",
    PS.REVIEW: "consultation.plan_review",
    PS.APPROVAL: "consultation.plan_approve",
}
# Who edits the plan's text and items in each state.
EDIT_PERMISSION = {PS.DRAFT: "consultation.plan_draft", PS.REVISION: "consultation.plan_revise"}
CHAIN_PERMISSIONS = (
    "consultation.plan_draft",
    "consultation.plan_revise",
    "consultation.plan_review",
    "consultation.plan_approve",
)


def can_view(user, organisation) -> bool:
    return access.can(user, "consultation.view", organisation)


def can_view_draft_outcomes(user, organisation) -> bool:
    """A draft outcome (起草中) is the committee's working text: only its own staff who draft
    outcomes (the office and the special committees' staff, `consultation.activities`) read
    it until it is submitted; the Party committee and government offices, the chairs and
    others reading consultation work see it from then on."""
    return can_run_activities(user, organisation)


def can_view_outcome(user, outcome) -> bool:
    """Whoever reads the committee's consultation work, and a unit asked to give written
    feedback on this outcome: its follow-up task refers to the outcome, and an answer needs
    the text it answers. A draft only for the staff who draft it."""
    if outcome.status == Outcome.Status.DRAFT:
        return can_view_draft_outcomes(user, outcome.organisation)
    if can_view(user, outcome.organisation):
        return True
    return answers_about(user, outcome)


def can_view_activity(user, activity) -> bool:
    """Whoever reads the committee's consultation work, and whoever was invited to the
    activity (attended or not), without the committee's reading right: they read its
    minutes, speeches and outcomes (the page leaves out the staff's parts and the other
    participants' details). Invited, as the activity's participants record them (one query):

    - a member, by their member record (it counts in their duty file);
    - a department head, as the department's responsible leader: the 承办单位负责人 role for
      that department, or the account named as its leader (`Department.leaders_q`);
    - a Party or government leader: by the platform account the office linked to the
      participant (`Participant.user`), never by name, which a namesake among the staff
      shares; a leader recorded by name and title only reads nothing here.
    """
    if can_view(user, activity.organisation):
        return True
    invited = _invitation_q(user, activity)
    return invited is not None and activity.participants.filter(invited).exists()


def own_participation(user, activity):
    """The user's own row among the activity's participants, matched as `can_view_activity`
    matches the invited (member, department head, Party or government leader), or None."""
    invited = _invitation_q(user, activity)
    if invited is None:
        return None
    return activity.participants.filter(invited).order_by("kind", "id").first()


def _invitation_q(user, activity) -> Q | None:
    """The participants of `activity` that are `user` (see `can_view_activity`)."""
    if getattr(user, "pk", None) is None:
        return None
    invited = Q(kind=Participant.Kind.MEMBER, member__user=user)
    heads = {
        ra.department_id
        for ra in access.assignments(user)
        if ra.role == Role.DEPARTMENT_LEADER and ra.department_id
    }
    invited |= Q(kind=Participant.Kind.DEPARTMENT_HEAD) & (
        Q(department_id__in=heads) | Q(department__leader_user=user)
    )
    invited |= Q(kind=Participant.Kind.LEADER, user=user)
    return invited


def can_view_attachment(user, attachment) -> bool:
    """An activity's attachment: its uploader, and whoever may open the activity page."""
    if getattr(user, "pk", None) is not None and attachment.uploaded_by_id == user.pk:
        return True
    return can_view_activity(user, attachment.activity)


def can_manage(user, organisation) -> bool:
    return access.can(user, "consultation.manage", organisation)


def can_run_activities(user, organisation) -> bool:
    return access.can(user, "consultation.activities", organisation)


def can_submit_topic(user, organisation) -> bool:
    perm = "consultation.topic_submit"
    if access.can(user, perm, organisation):
        return True
    # A street liaison officer proposes grassroots topics to the committee above the street.
    return any(
        perm in access.PERMISSIONS.get(ra.role, ())
        and not ra.organisation.is_cppcc
        and ra.organisation.path.startswith(organisation.path)
        for ra in access.assignments(user)
    )


def can_draft_plan(user, organisation) -> bool:
    return access.can(user, "consultation.plan_draft", organisation)


def can_view_topic(user, topic: Topic) -> bool:
    if topic.status == Topic.Status.PENDING:
        # Public submissions are seen only by the moderators until accepted.
        return can_manage(user, topic.organisation)
    return can_view(user, topic.organisation) or (
        getattr(user, "pk", None) is not None and topic.submitted_by_id == user.pk
    )


def can_edit_plan(user, plan: ConsultationPlan) -> bool:
    perm = EDIT_PERMISSION.get(plan.status)
    return bool(perm) and access.can(user, perm, plan.organisation)


def can_forward(user, plan: ConsultationPlan) -> bool:
    perm = FORWARD_PERMISSION.get(plan.status)
    return bool(perm) and access.can(user, perm, plan.organisation)


def can_send_back(user, plan: ConsultationPlan) -> bool:
    perm = SEND_BACK_PERMISSION.get(plan.status)
    return bool(perm) and access.can(user, perm, plan.organisation)


def can_comment(user, plan: ConsultationPlan) -> bool:
    return plan.status != PS.PUBLISHED and any(
        access.can(user, perm, plan.organisation) for perm in CHAIN_PERMISSIONS
    )


def arrangeable_plans(today: dt.date | None = None, *, via: str = "") -> Q:
    """The plans whose items are arranged as activities (安排活动): published, and of this
    year or a year ahead (a planned activity falls in its plan's year, so a past year's item
    would only be chosen by mistake). `via`: the lookup from the rows filtered to the plan
    (e.g. "plan__"). The one rule of `can_arrange` and `selectors.attachable_plan_items`."""
    return Q(**{f"{via}status": PS.PUBLISHED, f"{via}year__gte": _this_year(today)})


def can_arrange(user, plan: ConsultationPlan, today: dt.date | None = None) -> bool:
    """Whether `user` arranges the items of `plan` as activities: the plan is one of
    `arrangeable_plans` (the same two fields, read from the row in hand) and the user runs
    its organisation's activities."""
    return (
        plan.status == PS.PUBLISHED
        and plan.year >= _this_year(today)
        and can_run_activities(user, plan.organisation)
    )


def _this_year(today: dt.date | None) -> int:
    return (today or timezone.localdate()).year


def body_label(user, organisation, *, lazy: bool = False):
    """The body a user speaks for in the chain (shown with their comments). `lazy`: the
    role's label untranslated, for a notice read later in the reader's language (a
    `core.phrases.Phrase` parameter), not in the sender's."""
    roles = access.roles(user, organisation)
    from xieshang.orgs.models import Role

    for role in (
        Role.STANDING_SECRETARY,
        Role.CHAIR,
        Role.PARTY_OFFICE,
        Role.GOVERNMENT_OFFICE,
        Role.OFFICE,
    ):
        if role in roles:
            label = Role(role).label
            return label if lazy else str(label)
    return getattr(user, "display_name", str(user))


def can_write_party_plan(user, organisation) -> bool:
    return access.can(user, "consultation.party_plan", organisation)


def can_comment_party_plan(user, organisation) -> bool:
    return access.can(user, "consultation.party_plan_comment", organisation)


def can_view_party_plan(user, organisation) -> bool:
    return can_write_party_plan(user, organisation) or can_comment_party_plan(user, organisation)


def can_decide(user, organisation) -> bool:
    return access.can(user, "consultation.decide", organisation)


def topic_sources(user) -> list[str]:
    """The sources a user may enter topics for: the office keys in any (topics also arrive
    on paper); everyone else enters their own channel's topics (C2.3)."""
    from xieshang.orgs.models import Role

    if access.can(user, "consultation.manage"):
        return list(Topic.Source.values)
    roles = access.roles(user)
    sources = []
    if Role.LIAISON in roles:
        sources.append(Topic.Source.GRASSROOTS)
    if roles & {Role.DEPARTMENT, Role.DEPARTMENT_LEADER, Role.GOVERNMENT_OFFICE}:
        sources.append(Topic.Source.DEPARTMENT)
    if roles & {Role.MEMBER, Role.COMMITTEE_STAFF, Role.CHAIR}:
        sources.append(Topic.Source.CPPCC)
    if roles & {Role.PARTY_OFFICE, Role.UNITED_FRONT}:
        sources.append(Topic.Source.PARTY)
    return sources
