"""Text messages to residents about their issue: one per status reached, at most once.

Residents have no account, so `core.notifications` (which sends to users) does not fit;
`ResidentSms` keeps the same at-most-once claim for one number."""

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import ResidentIssue, ResidentSms

logger = logging.getLogger(__name__)
S = ResidentIssue.Status
SMS_MAX_ATTEMPTS = 3


SMS_TEXTS = {
    S.ACCEPTED: gettext_lazy("您反映的民情事项（编号%(ticket)s）已受理。"),
    S.AGENDA: gettext_lazy("您反映的民情事项（编号%(ticket)s）已列入议事会议程。"),
    S.ROUTED: gettext_lazy("您反映的民情事项（编号%(ticket)s）已转%(department)s办理。"),
    S.ANSWERED: gettext_lazy("您反映的民情事项（编号%(ticket)s）已有答复。"),
    S.SETTLED: gettext_lazy("您反映的民情事项（编号%(ticket)s）已在议事会协商。"),
    S.TOPIC: gettext_lazy("您反映的民情事项（编号%(ticket)s）已转为政协协商议题。"),
    S.OPINION: gettext_lazy("您反映的民情事项（编号%(ticket)s）已作为社情民意信息报送。"),
    S.CLOSED: gettext_lazy("您反映的民情事项（编号%(ticket)s）已答复办结。"),
}


# After the resident's 不满意 the issue is handled again (services, 重新办理): the statuses it
# reaches a second time get a message of their own.
REHANDLE_TEXTS = {
    S.ROUTED: gettext_lazy(
        "您反映的民情事项（编号%(ticket)s）已根据您的评价交%(department)s重新办理。"
    ),
    S.ANSWERED: gettext_lazy("您反映的民情事项（编号%(ticket)s）已有重新办理后的答复。"),
    S.CLOSED: gettext_lazy("您反映的民情事项（编号%(ticket)s）已根据您的评价重新答复。"),
    S.ACCEPTED: gettext_lazy(
        "您反映的民情事项（编号%(ticket)s）已根据您的评价重新受理，将再次协商办理。"
    ),
    S.AGENDA: SMS_TEXTS[S.AGENDA],
    S.SETTLED: gettext_lazy("您反映的民情事项（编号%(ticket)s）已在议事会重新协商。"),
}
# The written reply to a 不满意 rating when the answer stands (维持答复并办结).
REVIEW_TEXT = gettext_lazy("您反映的民情事项（编号%(ticket)s）已对您的评价作出答复。")


def _rehandling(issue: ResidentIssue) -> bool:
    return issue.rehandled and issue.status in REHANDLE_TEXTS


def sms_text(issue: ResidentIssue, step: str = "") -> str:
    if step == "review":
        text = REVIEW_TEXT
    else:
        text = (REHANDLE_TEXTS if _rehandling(issue) else SMS_TEXTS)[issue.status]
    text = str(text) % {
        "ticket": issue.ticket,
        "department": issue.department.name if issue.department_id else "",
    }
    # The lookup address, never the check code: a text can reach the wrong phone.
    return text + _("请凭编号和查询码在政协公众平台查询。")


def queue_sms(issue: ResidentIssue, step: str = "") -> None:
    """One message per status reached, if the resident left a number (one more per status
    reached again after 重新办理, and one for the reply to a 不满意 rating: `step`
    "review"). Rejections are not texted (the number of a spam item is no one's we know)."""
    if not issue.phone or issue.status not in SMS_TEXTS:
        return
    from django.utils import translation

    # Texts go to residents in Chinese, whatever language the clerk's page is in.
    with translation.override("zh-hans"):
        text = sms_text(issue, step)
    try:
        with transaction.atomic():
            key = f"status:{issue.status}" + (":rehandle" if _rehandling(issue) else "")
            key += f":{step}" if step else ""
            sms = ResidentSms.objects.create(issue=issue, key=key, text=text)
    except IntegrityError:
        return  # already queued for this status
    from .tasks import send_resident_sms

    transaction.on_commit(lambda: send_resident_sms.enqueue(sms.pk), robust=True)


def deliver_sms(pk: int) -> str:
    """Send one queued message at most once: claimed under the row lock (pending or failed
    → sending), sent, then marked. A worker killed mid-send leaves it "sending", never sent
    again. Returns the final state."""
    with transaction.atomic():
        sms = ResidentSms.objects.select_for_update().filter(pk=pk).first()
        if sms is None:
            return ""
        if sms.state not in (ResidentSms.State.PENDING, ResidentSms.State.FAILED):
            return sms.state
        if sms.attempts >= SMS_MAX_ATTEMPTS:
            return sms.state
        phone = ResidentIssue.objects.filter(pk=sms.issue_id).values_list("phone", flat=True)
        phone = (phone.first() or "").strip()
        if not phone:
            sms.state = ResidentSms.State.SKIPPED
            sms.save(update_fields=["state"])
            return sms.state
        sms.state = ResidentSms.State.SENDING
        sms.attempts += 1
        sms.save(update_fields=["state", "attempts"])
    from xieshang.core.sms import get_backend

    try:
        get_backend().send(phone, sms.text, reference=sms.reference)
    except Exception as exc:  # noqa: BLE001 - any provider failure is retried later
        logger.warning("resident sms %s failed: %s", pk, exc)
        ResidentSms.objects.filter(pk=pk).update(
            state=ResidentSms.State.FAILED, error=str(exc)[:300]
        )
        return ResidentSms.State.FAILED
    ResidentSms.objects.filter(pk=pk).update(state=ResidentSms.State.SENT, sent_at=timezone.now())
    return ResidentSms.State.SENT


def retry_sms(*, now: dt.datetime | None = None) -> int:
    """Queue again the messages a lost enqueue left pending, and failed ones with attempts
    left. Deliveries claim under a lock, so a double queue sends nothing twice."""
    now = now or timezone.now()
    ids = list(
        ResidentSms.objects.filter(
            state__in=[ResidentSms.State.PENDING, ResidentSms.State.FAILED],
            attempts__lt=SMS_MAX_ATTEMPTS,
            created_at__lte=now - dt.timedelta(minutes=5),
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        deliver_sms(pk)
    return len(ids)
