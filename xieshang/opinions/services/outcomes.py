"""What became of a published item: adoptions (采用, recorded, corrected, voided) and
leaders' instructions (批示), each with the authors' duty records and notices."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core import access
from xieshang.core.audit import StaleEdit, lock, record_event, save_versioned
from xieshang.core.notifications import notify
from xieshang.core.phrases import Phrase, site_text, store
from xieshang.core.text import reader_date
from xieshang.duty.models import DutyKind
from xieshang.duty.services import Fact, record_duties, remove_source_records
from xieshang.followups.models import Task
from xieshang.orgs.models import Role

from .. import policies
from ..models import Adoption, AdoptionLevel, Opinion
from .common import S, _tell_authors


def _can_record_outcome(actor, opinion: Opinion) -> bool:
    return policies.can_manage(actor, opinion) or policies.can_manage_upward(actor, opinion)


@transaction.atomic
def adoption_record(
    *, opinion: Opinion, actor, level: str, mode: str, adopted_on: dt.date, body: str = ""
) -> Adoption:
    """采用情况: a level took the item up. Counts once per level and mode."""
    opinion = lock(Opinion, opinion.pk)
    if not _can_record_outcome(actor, opinion):
        raise PermissionDenied
    if opinion.status not in (S.PUBLISHED, S.REPORTED):
        raise ValidationError(_("信息编发后才能记录采用情况。"))
    if opinion.adoptions.filter(level=level, mode=mode).exists():
        raise ValidationError(_("该层级的采用情况已记录；登记有误的，请在采用情况中更正或撤销。"))
    check_adoption_date(opinion, adopted_on)
    return _record_adoption(
        opinion, actor, level=level, mode=mode, adopted_on=adopted_on, body=body
    )


def adoption_earliest(opinion: Opinion) -> dt.date | None:
    """The first day an adoption of the item may bear: the day it was published in the
    bulletin (编发, which only then leaves the office: an adoption is recorded only on a
    published item), and never before its submission. A slip (2026-01-01 for 2026-12-07)
    would date the authors' duty records months before they wrote the item. None for an
    item that keeps neither day."""
    days = []
    if opinion.submitted_at is not None:
        days.append(timezone.localdate(opinion.submitted_at))
    if opinion.issue_id:
        days.append(opinion.issue.published_on)
    return max(days, default=None)


def check_adoption_date(opinion: Opinion, adopted_on: dt.date) -> None:
    """采用日期 between the item's publication (`adoption_earliest`) and today."""
    today = timezone.localdate()
    if adopted_on > today:
        raise ValidationError({"adopted_on": _("采用日期不能晚于今天。")})
    earliest = adoption_earliest(opinion)
    if earliest is not None and adopted_on < earliest:
        raise ValidationError(
            {
                "adopted_on": _("采用日期不能早于这篇信息编发的日期（%(day)s），请核对。")
                % {"day": reader_date(earliest)}
            }
        )


ADOPTION_FIELDS = ["level", "mode", "adopted_on", "body"]


def _adoption_values(adoption: Adoption) -> dict:
    """What an adoption says, for the audit row of its correction or 撤销."""
    return {
        "level": adoption.level,
        "mode": adoption.mode,
        "adopted_on": adoption.adopted_on.isoformat(),
        "body": adoption.body,
    }


def _locked_adoption(adoption: Adoption, actor, expected_version: int, reason: str):
    """The adoption and its item, locked, once the actor may correct it, it is as the form
    read it and a reason is given."""
    opinion = lock(Opinion, adoption.opinion_id)
    adoption = lock(Adoption, adoption.pk)
    if not _can_record_outcome(actor, opinion):
        raise PermissionDenied
    if adoption.version != expected_version:
        raise StaleEdit(current_version=adoption.version)
    if not reason.strip():
        raise ValidationError({"reason": _("请说明更正或撤销的理由。")})
    return opinion, adoption


@transaction.atomic
def adoption_update(
    *,
    adoption: Adoption,
    actor,
    expected_version: int,
    level: str,
    mode: str,
    adopted_on: dt.date,
    body: str = "",
    reason: str,
) -> Adoption:
    """更正: the office that may record an adoption corrects one recorded wrongly (its date,
    level, mode or unit), with a reason. The audit row keeps what it said and what it says
    now; the authors' duty records follow (those it earned are taken out the duty app's way,
    `remove_source_records`, and the corrected ones recorded), and the authors are told."""
    opinion, adoption = _locked_adoption(adoption, actor, expected_version, reason)
    if opinion.adoptions.filter(level=level, mode=mode).exclude(pk=adoption.pk).exists():
        raise ValidationError(_("该层级的采用情况已记录。"))
    check_adoption_date(opinion, adopted_on)
    before = _adoption_values(adoption)
    adoption.level, adoption.mode, adoption.adopted_on, adoption.body = (
        level,
        mode,
        adopted_on,
        body,
    )
    after = _adoption_values(adoption)
    if before == after:
        return adoption
    save_versioned(adoption, expected_version=expected_version, fields=ADOPTION_FIELDS)
    label = _adoption_label(adoption)
    record_event(
        actor=actor,
        verb="opinion.adoption_edit",
        subject=opinion,
        note=Phrase(N_("%(label)s · 更正理由：%(reason)s"), label=label, reason=reason.strip()),
        data={"adoption": adoption.pk, "from": before, "to": after, "reason": reason.strip()},
    )
    why = site_text(N_("采用情况已更正：%(reason)s"), reason=reason.strip())
    remove_source_records(source=adoption, actor=actor, note=why)
    facts = _adoption_facts(opinion, adoption, opinion.authors.all())
    if facts:
        record_duties(facts, actor=actor)
    _tell_authors(
        opinion,
        N_("社情民意信息的采用情况已更正：%(title)s"),
        Phrase(N_("%(label)s，采用日期%(day)s"), label=label, day=adopted_on),
        f"adopted:{adoption.pk}:v{adoption.version}",
    )
    return adoption


@transaction.atomic
def adoption_void(*, adoption: Adoption, actor, expected_version: int, reason: str) -> None:
    """撤销: an adoption recorded in error is taken off the item, with a reason; the audit
    row keeps what it said. The duty records it earned leave the authors' files the duty
    app's way (`remove_source_records`: a settled year's stay), and the authors are told."""
    opinion, adoption = _locked_adoption(adoption, actor, expected_version, reason)
    label = _adoption_label(adoption)
    record_event(
        actor=actor,
        verb="opinion.adoption_void",
        subject=opinion,
        note=Phrase(N_("%(label)s · 撤销理由：%(reason)s"), label=label, reason=reason.strip()),
        data={
            "adoption": adoption.pk,
            "from": _adoption_values(adoption),
            "reason": reason.strip(),
        },
    )
    why = site_text(N_("采用情况已撤销：%(reason)s"), reason=reason.strip())
    remove_source_records(source=adoption, actor=actor, note=why)
    _tell_authors(
        opinion,
        N_("社情民意信息的采用情况已撤销：%(title)s"),
        Phrase(N_("%(label)s：%(reason)s"), label=label, reason=reason.strip()),
        f"adopted:{adoption.pk}:void",
    )
    adoption.delete()


# Each adoption level scores through its own row of the score table (duty.rules).
ADOPTION_DUTY_KINDS = {
    AdoptionLevel.DISTRICT: DutyKind.OPINION_ADOPTED,
    AdoptionLevel.CITY: DutyKind.OPINION_ADOPTED_CITY,
    AdoptionLevel.PROVINCE: DutyKind.OPINION_ADOPTED_PROVINCE,
    AdoptionLevel.NATIONAL: DutyKind.OPINION_ADOPTED_NATIONAL,
}


def _record_adoption(opinion: Opinion, actor, *, level, mode, adopted_on, body) -> Adoption:
    adoption = Adoption.objects.create(
        opinion=opinion, level=level, mode=mode, adopted_on=adopted_on, body=body, created_by=actor
    )
    # 区级单独采用, the choices' labels read in the reader's language.
    label = _adoption_label(adoption)
    record_event(
        actor=actor,
        verb="opinion.adopt",
        subject=opinion,
        note=Phrase(N_("%(label)s · %(body)s"), label=label, body=body) if body else label,
        data={"level": level, "mode": mode},
    )
    facts = _adoption_facts(opinion, adoption, opinion.authors.all())
    if facts:
        record_duties(facts, actor=actor)
    _tell_authors(opinion, N_("社情民意信息被采用：%(title)s"), label, f"adopted:{adoption.pk}")
    return adoption


def _adoption_label(adoption: Adoption) -> Phrase:
    """区级单独采用, the choices' labels read in the reader's language."""
    return Phrase(
        N_("%(level)s%(mode)s"),
        level=AdoptionLevel(adoption.level).label,
        mode=Adoption.Mode(adoption.mode).label,
    )


def _adoption_facts(opinion: Opinion, adoption: Adoption, members) -> list[Fact]:
    """The duty record of an adoption for each of `members` (the item's authors)."""
    # A duty record's title is stored text: in the site's language.
    title = f"{opinion.title}（{store(_adoption_label(adoption))[0]}）"
    kind = ADOPTION_DUTY_KINDS[adoption.level]
    return [Fact(member, kind, adoption.adopted_on, title, adoption) for member in members]


def _instruction_facts(opinion: Opinion, instruction, members) -> list[Fact]:
    """The duty record of a leader's instruction for each of `members`."""
    title = f"{opinion.title}（{instruction.leader}批示）"
    return [
        Fact(member, DutyKind.OPINION_INSTRUCTED, instruction.instructed_on, title, instruction)
        for member in members
    ]


def instruction_check(opinion: Opinion) -> str:
    """Why the item cannot take a leader's instruction yet ("" when it can)."""
    if opinion.status not in (S.PUBLISHED, S.REPORTED):
        return _("信息编发后才能记录领导批示。")
    return ""


def instruction_earliest(opinion: Opinion, instruction) -> tuple[dt.date | None, Phrase]:
    """The first day an instruction may bear, by the office recording it
    (`instruction.recorded_as`, `instruction.organisation`), and the message naming that day:
    the Party committee's or the government's office, the day the item was reported to it
    (报送党委 / 报送政府); the office of a node it was reported up to, the day it reached that
    node; the item's own office, the day it was published (编发, when it first went to the
    leaders). (None, …) when the item keeps no such day."""
    if instruction.recorded_as in (Role.PARTY_OFFICE, Role.GOVERNMENT_OFFICE):
        party = instruction.recorded_as == Role.PARTY_OFFICE
        when = opinion.reported_to_party_at if party else opinion.reported_to_government_at
        msgid = (
            N_("批示日期不能早于这篇信息报送党委的日期（%(day)s）。")
            if party
            else N_("批示日期不能早于这篇信息报送政府的日期（%(day)s）。")
        )
        return (timezone.localdate(when) if when else None), msgid
    if instruction.organisation_id != opinion.organisation_id:
        from django.contrib.contenttypes.models import ContentType

        from xieshang.followups.models import Referral

        reached = (
            Referral.objects.filter(
                content_type=ContentType.objects.get_for_model(Opinion),
                object_id=opinion.pk,
                to_organisation_id=instruction.organisation_id,
            )
            .order_by("submitted_at")
            .values_list("submitted_at", flat=True)
            .first()
        )
        msgid = N_("批示日期不能早于这篇信息报送%(org)s的日期（%(day)s）。")
        return (timezone.localdate(reached) if reached else None), msgid
    return adoption_earliest(opinion), N_("批示日期不能早于这篇信息编发的日期（%(day)s）。")


def check_instruction_date(opinion: Opinion, instruction) -> None:
    """Refuse an instruction dated before the item reached the office recording it."""
    earliest, msgid = instruction_earliest(opinion, instruction)
    if earliest is not None and instruction.instructed_on < earliest:
        raise ValidationError(
            {
                "instructed_on": _(msgid)
                % {"day": reader_date(earliest), "org": instruction.organisation.name}
            }
        )


def instruction_after(instruction, actor) -> None:
    """What an instruction on an item means here: a duty record for each author and a
    message to them (called by followups.services.instruction_record, in its transaction).
    An instruction dated before the item reached the office recording it is refused here
    (`check_instruction_date`), which undoes it: only here is the recording office known."""
    opinion = instruction.item
    check_instruction_date(opinion, instruction)
    facts = _instruction_facts(opinion, instruction, opinion.authors.all())
    if facts:
        record_duties(facts, actor=actor)
    _tell_authors(
        opinion,
        N_("社情民意信息获领导批示：%(title)s"),
        instruction.leader,
        f"instr:{instruction.pk}",
    )
    # The CPPCC office that reported the item keeps its record of instructions: told when
    # another office recorded one (the Party committee's, the government's, a higher CPPCC's);
    # not when it recorded it itself.
    if not policies.reports_locally(actor, opinion):
        notify(
            access.role_holders(opinion.organisation, Role.OFFICE),
            title=Phrase(N_("社情民意信息获领导批示：%(title)s"), title=opinion.title),
            body=Phrase(
                N_("%(leader)s批示：%(text)s"),
                leader=instruction.leader,
                text=instruction.text[:500],
            ),
            url=opinion.get_absolute_url(),
            dedupe_key=f"opinion:{opinion.pk}:instr:{instruction.pk}:office",
            channels=("inbox",),
        )


def instruction_answered(instruction, task, feedback, actor) -> None:
    """A unit's written feedback on the leader's instruction reaches the item's authors,
    who read it on the item's page (followups instructions panel)."""
    _tell_authors(
        instruction.item,
        N_("领导批示落实情况：%(unit)s已就“%(title)s”书面反馈"),
        feedback.text[:500],
        f"instr:{instruction.pk}:answer:{feedback.pk}",
        unit=_unit(task),
    )


def _unit(task: Task):
    """The department's name, or the office's role label (lazy: read in the reader's
    language)."""
    if task.department_id:
        return task.department.name
    try:
        return Role(task.assignee_role).label
    except ValueError:
        return task.assignee_role


def instruction_record(*, opinion: Opinion, actor, **kwargs):
    """批示 on an item: the one mechanism (followups.services.instruction_record)."""
    from xieshang.followups.services import instruction_record as record

    return record(item=opinion, actor=actor, **kwargs)


def instruction_tasks(opinion: Opinion):
    """The follow-up tasks opened for the item's instructions (one query)."""
    from django.contrib.contenttypes.models import ContentType

    from xieshang.followups.models import Instruction

    ids = [str(pk) for pk in opinion.instructions.values_list("pk", flat=True)]
    return Task.objects.filter(
        content_type=ContentType.objects.get_for_model(Instruction), object_id__in=ids
    ).select_related("department")
