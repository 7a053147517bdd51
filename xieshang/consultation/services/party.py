"""Party-consultation plans (C4.1): the Party committee's draft, sent to the CPPCC for
comments, commented on and finalised."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core import access
from xieshang.core.audit import TransitionError, lock, record_event, transition
from xieshang.core.notifications import notify, settle
from xieshang.core.phrases import Phrase
from xieshang.orgs.models import Role

from .. import policies
from ..models import PartyPlan, PartyPlanComment


@transaction.atomic
def party_plan_create(*, organisation, actor, year: int, title: str, body: str) -> PartyPlan:
    if not policies.can_write_party_plan(actor, organisation):
        raise PermissionDenied
    plan = PartyPlan.objects.create(
        organisation=organisation, year=year, title=title, body=body, created_by=actor
    )
    record_event(actor=actor, verb="party_plan.create", subject=plan, to_state=plan.status)
    return plan


@transaction.atomic
def party_plan_send(*, plan: PartyPlan, actor) -> PartyPlan:
    """Send the draft to the CPPCC for its comments on topics, timing and participants."""
    plan = lock(PartyPlan, plan.pk)
    if not policies.can_write_party_plan(actor, plan.organisation):
        raise PermissionDenied
    plan.sent_at = timezone.now()
    transition(
        plan,
        to=PartyPlan.Status.SENT,
        allowed_from=[PartyPlan.Status.DRAFT],
        actor=actor,
        verb="party_plan.send",
        extra_fields=["sent_at"],
    )
    notify(
        access.role_holders(plan.organisation, Role.OFFICE, Role.CHAIR),
        title=Phrase(N_("征求意见：%(title)s"), title=plan.title),
        url=f"/consultation/party-plans/{plan.pk}/",
        dedupe_key=f"party_plan:{plan.pk}:sent",
    )
    return plan


@transaction.atomic
def party_plan_comment(*, plan: PartyPlan, actor, text: str) -> PartyPlanComment:
    plan = lock(PartyPlan, plan.pk)
    if not policies.can_comment_party_plan(actor, plan.organisation):
        raise PermissionDenied
    if plan.status != PartyPlan.Status.SENT:
        raise TransitionError(_("该计划当前不在征求意见阶段。"))
    if not text.strip():
        raise ValidationError({"text": _("请填写意见建议。")})
    comment = PartyPlanComment.objects.create(plan=plan, author=actor, text=text)
    record_event(actor=actor, verb="party_plan.comment", subject=plan, note=text[:500])
    notify(
        access.role_holders(plan.organisation, Role.PARTY_OFFICE, Role.UNITED_FRONT),
        title=Phrase(N_("政协对《%(title)s》提出了意见建议"), title=plan.title),
        url=f"/consultation/party-plans/{plan.pk}/",
        dedupe_key=f"party_plan:{plan.pk}:comment:{comment.pk}",
    )
    return comment


@transaction.atomic
def party_plan_finalise(*, plan: PartyPlan, actor) -> PartyPlan:
    plan = lock(PartyPlan, plan.pk)
    if not policies.can_write_party_plan(actor, plan.organisation):
        raise PermissionDenied
    transition(
        plan,
        to=PartyPlan.Status.FINAL,
        allowed_from=[PartyPlan.Status.SENT],
        actor=actor,
        verb="party_plan.finalise",
    )
    settle(f"party_plan:{plan.pk}:sent")  # 征求意见: the time for comments is over
    return plan
