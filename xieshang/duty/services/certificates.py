"""Duty certificates: the records they list and issuing one."""

import datetime as dt

from ..models import ATTENDANCE_KINDS, DutyKind, DutyRecord

# Every sitting the annual report counts as attendance (the shared list, community
# consultation sessions included: the employer counts the member's time away from it), and
# the other activities a member takes part in.
CERTIFICATE_KINDS = [
    *ATTENDANCE_KINDS,
    DutyKind.TRAINING,
    DutyKind.PLENARY_SPEECH,
    DutyKind.INSPECTION,
    DutyKind.STUDIO,
]


def certificate_records(member, start: dt.date, end: dt.date):
    return DutyRecord.objects.filter(
        member=member,
        kind__in=CERTIFICATE_KINDS,
        status=DutyRecord.Status.CONFIRMED,
        date__gte=start,
        date__lte=end,
    ).order_by("date", "id")


def certificate_issue(*, member, actor, start: dt.date, end: dt.date):
    """Issue a certificate of the member's activities from `start` to `end`: a period that
    ends after today is refused (it would certify days not yet lived). `actor` is whoever
    issues it, the member or the office clerk, and is the one the audit trail names."""
    import secrets

    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext_noop as N_

    from xieshang.core.audit import record_event
    from xieshang.core.phrases import Phrase
    from xieshang.core.validators import not_after_today

    from ..models import Certificate

    try:
        not_after_today(end)
    except ValidationError as exc:
        raise ValidationError({"end_date": exc.messages}) from exc

    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    code = "".join(secrets.choice(alphabet) for _ in range(12))
    records = list(certificate_records(member, start, end))
    cert = Certificate.objects.create(
        organisation_id=member.organisation_id,
        member=member,
        code=code,
        start_date=start,
        end_date=end,
        activity_count=len(records),
        issued_by=actor,
    )
    # Issued by the office: the trail says for whom, since the subject is only a code.
    on_behalf = getattr(member, "user_id", None) != getattr(actor, "pk", None)
    record_event(
        actor=actor,
        verb="duty.certificate_issue",
        subject=cert,
        note=Phrase(N_("代%(name)s开具"), name=member.name) if on_behalf else "",
        data={"member": member.pk},
    )
    if on_behalf and member.user_id:
        # A certificate about someone goes to their employer: they hear of it, with the
        # code that checks it, and can print the same one themselves.
        from django.urls import reverse

        from xieshang.core.notifications import notify

        notify(
            [member.user],
            title=Phrase(N_("政协办公室为您开具了参加政协活动证明")),
            body=Phrase(
                N_("证明期间%(start)s至%(end)s，共%(count)s次活动，验证码%(code)s。"),
                start=start,
                end=end,
                count=len(records),
                code=code,
            ),
            url=reverse("duty:certificate"),
            dedupe_key=f"duty.certificate.{cert.pk}",
        )
    return cert, records
