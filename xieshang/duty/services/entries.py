"""Hand-entered duty records: the member's own report, the office's 代录, their files,
and the office confirming or returning a report."""

import datetime as dt

from django.utils.translation import gettext_noop as N_

from xieshang.core.phrases import Phrase

from ..models import DutyKind, DutyRecord

MANUAL_KINDS = [
    DutyKind.MEETING,
    DutyKind.TRAINING,
    DutyKind.INSPECTION,
    DutyKind.SECTOR_CONTACT,
    DutyKind.STUDIO,
    DutyKind.OTHER,
]


# At most this many files (photos, a sign-in sheet) support one hand-entered record.
MAX_ENTRY_FILES = 5


def check_entry_files(files) -> None:
    """The files of a hand-entered record, checked here as well as in the form (so no
    other caller bypasses it): at most MAX_ENTRY_FILES, each a JPEG, PNG or PDF that
    passes the upload policy "evidence" (by content, size-limited, a PDF that opens)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from xieshang.core.uploads import check_upload

    if len(files) > MAX_ENTRY_FILES:
        raise ValidationError(
            {"files": _("每条履职记录最多上传%(n)s个佐证材料。") % {"n": MAX_ENTRY_FILES}}
        )
    for file in files:
        try:
            check_upload(file, "evidence")
        except ValidationError as exc:
            raise ValidationError({"files": exc.messages}) from exc


def refuse_after_exit(member, date: dt.date, *, confirming: bool = False) -> None:
    """A hand-entered record (the member's report, the office's 代录) dated after the member
    left office is refused: what a former member did after it is not a member's duty. The
    same check refuses confirming a pending report so dated (`confirming`: the exit was
    entered after the report was), which the office can still return."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from xieshang.core.text import reader_date
    from xieshang.members.selectors import exit_dates

    left_on = exit_dates([member.pk]).get(member.pk)
    if left_on is not None and date > left_on:
        if confirming:
            message = _("%(name)s已于%(date)s退出，不能确认此后日期的履职记录，可以退回。")
        else:
            message = _("%(name)s已于%(date)s退出，不能登记此后日期的履职记录。")
        raise ValidationError(message % {"name": member.name, "date": reader_date(left_on)})


def refuse_duplicate(member, *, kind, date, title, evidence, confirmed: bool | None) -> list:
    """A hand-entered record telling a fact the member's file already holds, pending or
    confirmed (same kind and date, the same or a very similar 事项: `selectors.
    duplicate_records`), is taken only when the user confirms it is another fact
    (`confirmed`): a fact reported twice and confirmed twice would count twice. None (a
    script) does not ask. The records it repeats, for the audit row."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from xieshang.core.text import reader_date

    from ..selectors import duplicate_records

    entry = DutyRecord(member=member, kind=kind, date=date, title=title, evidence=evidence)
    others = duplicate_records([entry])[None]
    if others and confirmed is False:
        listed = _("、").join(
            _("%(date)s%(kind)s“%(title)s”（%(status)s）")
            % {
                "date": reader_date(o.date),
                "kind": o.get_kind_display(),
                "title": o.title,
                "status": o.get_status_display(),
            }
            for o in others[:3]
        )
        raise ValidationError(
            {
                "confirm_duplicate": _(
                    "已有同一日期、同一类别的相同履职记录：%(records)s。同一件事只计一次分，"
                    "请勿重复报送；确属另一项履职活动的，请勾选“仍要提交”后再次提交。"
                )
                % {"records": listed}
            }
        )
    return others


def _manual_entry(member, actor, status, *, files=(), **fields) -> DutyRecord:
    """A member's duty fact entered by hand (by the member or the office), in `status`,
    with the files that support it (already checked by `check_entry_files`)."""
    from ..models import EntryAttachment

    entry = DutyRecord.objects.create(
        member=member,
        organisation_id=member.organisation_id,
        kind=fields["kind"],
        date=fields["date"],
        title=fields["title"][:200],
        quantity=fields.get("quantity", 1),
        evidence=fields["evidence"],
        source=DutyRecord.Source.MANUAL,
        status=status,
        created_by=actor,
    )
    for file in files:
        EntryAttachment.objects.create(
            record=entry,
            file=file,
            original_name=(file.name or "").rsplit("/", 1)[-1][:255],
            uploaded_by=actor,
        )
    return entry


def manual_entry_submit(
    *,
    member,
    actor,
    kind,
    date,
    title,
    evidence,
    quantity=1,
    files=(),
    confirm_duplicate: bool | None = None,
) -> DutyRecord:
    """A member reports a duty fact with evidence (a description, and photos or a sign-in
    sheet as files); it counts once the office confirms it. A fact already in the file is
    sent again only when confirmed (`refuse_duplicate`)."""
    from django.db import transaction
    from django.urls import reverse

    from xieshang.core import access
    from xieshang.core.audit import record_event
    from xieshang.core.notifications import notify
    from xieshang.orgs.models import Role

    from ..policies import refuse_if_settled

    refuse_if_settled(member.organisation_id, date.year)
    refuse_after_exit(member, date)
    check_entry_files(files)
    repeats = refuse_duplicate(
        member, kind=kind, date=date, title=title, evidence=evidence, confirmed=confirm_duplicate
    )
    with transaction.atomic():
        entry = _manual_entry(
            member,
            actor,
            DutyRecord.Status.PENDING,
            kind=kind,
            date=date,
            title=title,
            evidence=evidence,
            quantity=quantity,
            files=files,
        )
        record_event(
            actor=actor,
            verb="duty.entry_submit",
            subject=entry,
            to_state="pending",
            data={"repeats": [o.pk for o in repeats]} if repeats else None,
        )
        notify(
            access.role_holders(member.organisation, Role.OFFICE),
            title=Phrase(N_("%(name)s 报送了履职记录，待审核"), name=member.name),
            body=title,
            url=reverse("duty:entries"),
            dedupe_key=f"duty.entry.{entry.pk}",
        )
    return entry


def manual_entry_record(
    *,
    member,
    actor,
    kind,
    date,
    title,
    evidence,
    quantity=1,
    files=(),
    confirm_duplicate: bool | None = None,
) -> DutyRecord:
    """The office enters a duty fact for a member (reported on paper or by phone, say),
    confirmed at once since the office is who confirms; the member is told. A fact already
    in the file (the member's own report waiting, say) is entered again only when
    confirmed (`refuse_duplicate`)."""
    from django.db import transaction
    from django.urls import reverse

    from xieshang.core.audit import record_event
    from xieshang.core.notifications import notify

    from ..policies import can_manage, refuse_if_settled

    if not can_manage(actor, member.organisation):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    refuse_if_settled(member.organisation_id, date.year)
    refuse_after_exit(member, date)
    check_entry_files(files)
    repeats = refuse_duplicate(
        member, kind=kind, date=date, title=title, evidence=evidence, confirmed=confirm_duplicate
    )
    with transaction.atomic():
        entry = _manual_entry(
            member,
            actor,
            DutyRecord.Status.CONFIRMED,
            kind=kind,
            date=date,
            title=title,
            evidence=evidence,
            quantity=quantity,
            files=files,
        )
        record_event(
            actor=actor,
            verb="duty.entry_record",
            subject=entry,
            to_state="confirmed",
            note=title[:500],
            data={"member": member.pk, **({"repeats": [o.pk for o in repeats]} if repeats else {})},
        )
        if member.user_id is not None:
            notify(
                [member.user],
                title=Phrase(N_("办公室为您登记了履职记录：%(t)s"), t=entry.title),
                body=evidence[:500],
                url=reverse("duty:my_file"),
                dedupe_key=f"duty.entry.{entry.pk}.recorded",
            )
    return entry


def manual_entry_decide(*, entry_id: int, actor, approve: bool, note: str = "") -> DutyRecord:
    """The office confirms a pending report, or returns it with a reason: the member is
    told, and a return without one would leave them guessing what to change."""
    from django.core.exceptions import ValidationError
    from django.db import transaction
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from xieshang.core.audit import lock, transition
    from xieshang.core.notifications import notify, settle

    from ..policies import refuse_if_settled

    if not approve and not note.strip():
        raise ValidationError({"note": _("请填写退回理由。")})
    with transaction.atomic():
        entry = lock(DutyRecord, entry_id)
        if approve:
            refuse_if_settled(entry.organisation_id, entry.date.year)
            refuse_after_exit(entry.member, entry.date, confirming=True)
        to = DutyRecord.Status.CONFIRMED if approve else DutyRecord.Status.REJECTED
        transition(
            entry,
            to=to,
            allowed_from=[DutyRecord.Status.PENDING],
            actor=actor,
            verb="duty.entry_approve" if approve else "duty.entry_reject",
            note=note,
        )
        # The office's 报送了履职记录，待审核 (each office clerk had it) is done with.
        settle(f"duty.entry.{entry.pk}")
        user = entry.member.user
        if user is not None:
            notify(
                [user],
                title=Phrase(
                    N_("履职记录已确认：%(t)s") if approve else N_("履职记录未通过：%(t)s"),
                    t=entry.title,
                ),
                body=note,
                url=reverse("duty:my_file"),
                dedupe_key=f"duty.entry.{entry.pk}.{to}",
            )
    return entry
