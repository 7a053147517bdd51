"""Every change to nomination rounds and their candidates (C5.1–C5.3, C5.10).

Each function checks the actor's department or role and the current state, applies the
change and writes its audit event in one transaction; the views, the demo and the tests all
call these. Refusals: `WrongDepartment` (a PermissionDenied: the view answers 403) when the
other department tries to nominate, `TransitionError` for a step the state does not allow,
`ValidationError` for input the form should have caught.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core import access
from xieshang.core.audit import (
    TransitionError,
    changed_fields,
    lock,
    record_event,
    save_versioned,
    transition,
)
from xieshang.core.notifications import notify, settle
from xieshang.core.phrases import Phrase, joined, site_text
from xieshang.core.text import reader_date, stroke_sort_key
from xieshang.members import services as member_services
from xieshang.members.models import Category, Gender, Member, Membership
from xieshang.members.selectors import current_term
from xieshang.orgs.models import Organisation, Party, Role, Sector, Term

from . import policies
from .models import Candidate, NominationRound, RoundKind, SeatQuota

C = Candidate.Status
R = NominationRound.Status
LIVE = (C.NOMINATED, C.COMPLETED)


class WrongDepartment(PermissionDenied):
    """C5.1: the candidate's party status says which department nominates; the other one
    may not. Shown to the user as it is."""


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- Rounds -----------------------------------------------------------------------------------


@transaction.atomic
def round_create(
    *,
    organisation: Organisation,
    kind: str,
    title: str,
    effective_date: dt.date,
    actor,
    reference_date: dt.date | None = None,
    note: str = "",
) -> NominationRound:
    """Open a round for the committee's current term. One open round per committee."""
    _require(policies.manageable_organisations(actor).filter(pk=organisation.pk).exists())
    term = current_term(organisation)
    if term is None:
        raise ValidationError(_("该政协尚未设立届次，不能开展提名。"))
    if NominationRound.objects.filter(organisation=organisation, status=R.DRAFT).exists():
        raise ValidationError(_("该政协已有正在进行的提名工作，请先确认或取消。"))
    if kind == RoundKind.NEW_TERM and effective_date <= term.start_date:
        raise ValidationError({"effective_date": _("新一届的开始日期须晚于本届开始日期。")})
    # A by-election adds seats to this term: they cannot start before it or after its end
    # (the confirmed seats would have been dated outside their own term).
    if kind == RoundKind.BY_ELECTION and (
        effective_date < term.start_date or (term.end_date and effective_date > term.end_date)
    ):
        raise ValidationError(
            {
                "effective_date": _("增补日期须在本届任期内（%(term)s自%(start)s起）。")
                % {"term": term, "start": reader_date(term.start_date)}
            }
        )
    reference_date = reference_date or effective_date
    _require_reference_date(reference_date, effective_date)
    try:
        with transaction.atomic():
            round = NominationRound.objects.create(
                organisation=organisation,
                kind=kind,
                title=title.strip(),
                base_term=term,
                effective_date=effective_date,
                reference_date=reference_date,
                note=note,
                created_by=actor,
            )
    except IntegrityError:  # another clerk opened one at the same moment
        raise ValidationError(_("该政协已有正在进行的提名工作，请先确认或取消。")) from None
    record_event(
        actor=actor,
        verb="nomination.round_create",
        subject=round,
        to_state=round.status,
        note=RoundKind(round.kind).label,  # a lazy label: read in the reader's language
        data={"term": term.pk, "kind": kind},
    )
    return round


def reference_date_floor(effective_date: dt.date) -> dt.date:
    """The earliest age reference day a round may take: one year before its effective date."""
    try:
        return effective_date.replace(year=effective_date.year - 1)
    except ValueError:  # 29 February
        return effective_date.replace(year=effective_date.year - 1, day=28)


def _require_reference_date(reference_date: dt.date, effective_date: dt.date) -> None:
    """The ages of the list (the share under 45, the candidates over the age limit) are
    counted on the reference day: within the year up to the effective date, so that a typo
    (1900-01-01 made every member "under 45") cannot pass the composition check."""
    if not reference_date_floor(effective_date) <= reference_date <= effective_date:
        raise ValidationError(
            {
                "reference_date": _("年龄计算基准日须在生效日期前一年内（%(start)s至%(end)s）。")
                % {
                    "start": reader_date(reference_date_floor(effective_date)),
                    "end": reader_date(effective_date),
                }
            }
        )


@transaction.atomic
def seats_set(
    *,
    round: NominationRound,
    actor,
    sectors: dict[int, int],
    categories: dict[str, int],
    expected_version: int | None = None,
) -> None:
    """Replace the round's seats: `sectors` {sector id: seats}, `categories` {category: seats};
    zero removes a line. The form replaces every line at once, so it passes the round's
    version it showed (`expected_version`): seats saved meanwhile in another tab are refused
    as a stale edit rather than silently put back (the round's version counts seat saves)."""
    round = lock(NominationRound, round.pk)
    _require(policies.can_manage(actor, round))
    if not round.is_draft:
        raise TransitionError(_("名单已确认，不能修改名额。"))
    if expected_version is not None:
        save_versioned(round, expected_version=expected_version, fields=[])
    own = set(Sector.objects.filter(organisation=round.organisation).values_list("pk", flat=True))
    if set(sectors) - own:
        raise ValidationError(_("所选界别不属于该政协。"))
    if set(categories) - set(Category.values):
        raise ValidationError(_("联系类别不正确。"))
    before = {str(q): q.seats for q in round.quotas.select_related("sector")}
    round.quotas.all().delete()
    SeatQuota.objects.bulk_create(
        [SeatQuota(round=round, sector_id=s, seats=n) for s, n in sorted(sectors.items()) if n]
        + [SeatQuota(round=round, category=c, seats=n) for c, n in sorted(categories.items()) if n]
    )
    record_event(
        actor=actor,
        verb="nomination.seats_set",
        subject=round,
        data={
            "before": before,
            "sectors": {str(k): v for k, v in sectors.items() if v},
            "categories": {k: v for k, v in categories.items() if v},
        },
    )


# --- Candidates -------------------------------------------------------------------------------

PERSON_FIELDS = ("name", "gender", "ethnicity", "birth_date", "employer", "education")

# 政治面貌: the kinds of `orgs.Party` that are a person's political affiliation. The
# reference data also lists the 工商联 and the people's organisations (总工会, 共青团 as an
# organisation, 妇联): participating bodies of the CPPCC, which a candidate's 界别 says.
POLITICAL_KINDS = (
    Party.Kind.CPC,
    Party.Kind.DEMOCRATIC,
    Party.Kind.NON_PARTY,
    Party.Kind.NONE,
)


def political_parties():
    """The choices of a candidate's 政治面貌 (`POLITICAL_KINDS`), in reference order."""
    return Party.objects.filter(kind__in=POLITICAL_KINDS)


def _require_political(party: Party) -> None:
    if party.kind not in POLITICAL_KINDS:
        raise ValidationError(
            {
                "party": _(
                    "%(party)s不是政治面貌：请选择中共党员、民主党派、无党派人士或群众"
                    "（人民团体、工商联在界别中体现）。"
                )
                % {"party": party.name}
            }
        )


def _require_round_open(round: NominationRound) -> None:
    """Records on a candidate are taken while their round is open; a cancelled round's
    candidates stay as they were."""
    if round.status == R.CANCELLED:
        raise TransitionError(_("该提名工作已取消。"))


def require_open(round: NominationRound) -> None:
    """Nominations are taken while the list is a draft; after it is confirmed, refused."""
    if not round.is_draft:
        raise TransitionError(_("名单已确认，不能再提名。"))


@transaction.atomic
def candidate_nominate(
    *,
    round: NominationRound,
    actor,
    party: Party,
    sector: Sector,
    member: Member | None = None,
    person: dict | None = None,
    categories: list[str] | None = None,
    reason: str = "",
) -> Candidate:
    """Put a candidate on the list: an existing member (`member`) or a new person (`person`,
    the particulars; no Member is created until the round is confirmed).

    C5.1: `party` decides the nominating department; an actor who does not hold that
    department's role in the round's committee gets `WrongDepartment`."""
    round = lock(NominationRound, round.pk)
    if not policies.can_view(actor, round):
        raise PermissionDenied
    if member is not None:
        _require_recorded_party(member, party)
    _require_political(party)
    if not policies.may_nominate(actor, round, party):
        department = policies.department_for(party)
        raise WrongDepartment(
            _("%(party)s人选由%(department)s提名，您所在部门不能提名。")
            % {
                "party": _("中共党员") if party.kind == Party.Kind.CPC else _("党外"),
                "department": Role(department).label,
            }
        )
    require_open(round)
    if sector.organisation_id != round.organisation_id:
        raise ValidationError({"sector": _("所选界别不属于该政协。")})
    categories = sorted(set(categories or []))
    if set(categories) - set(Category.values):
        raise ValidationError({"categories": _("联系类别不正确。")})
    candidate = Candidate(
        round=round,
        party=party,
        sector=sector,
        categories=categories,
        department=policies.department_for(party),
        reason=reason,
        created_by=actor,
    )
    if member is not None:
        if member.organisation_id != round.organisation_id:
            raise ValidationError({"member": _("所选委员不属于该政协。")})
        if Candidate.objects.filter(round=round, member=member, status__in=LIVE).exists():
            raise ValidationError({"member": _("该委员已在本次提名名单中。")})
        if (
            round.kind == RoundKind.BY_ELECTION
            and Membership.objects.filter(member=member, term=round.base_term).exists()
        ):
            raise ValidationError({"member": _("该委员本届已有任职记录，不能增补。")})
        candidate.member = member
        for name in PERSON_FIELDS:
            setattr(candidate, name, getattr(member, name))
    else:
        person = person or {}
        if not (person.get("name") or "").strip():
            raise ValidationError({"name": _("请填写姓名。")})
        for name in PERSON_FIELDS:
            if name in person and person[name] is not None:
                setattr(candidate, name, person[name])
        candidate.name = candidate.name.strip()
        _require_new_person(round, candidate)
    candidate.stroke_key = stroke_sort_key(candidate.name)
    candidate.save()
    record_event(
        actor=actor,
        verb="nomination.nominate",
        subject=candidate,
        to_state=candidate.status,
        note=str(round),
        data={
            "round": round.pk,
            "department": candidate.department,
            "continuing": candidate.is_continuing,
            "party": party.name,
            "sector": sector.name,
        },
    )
    if candidate.is_continuing:
        # C5.3: the Party group's opinion is the office's to record; tell it.
        notify(
            access.role_holders(round.organisation, Role.OFFICE),
            title=Phrase(N_("继续提名%(name)s，待登记政协党组意见"), name=candidate.name),
            body=str(round),
            url=reverse("nominations:candidate", args=[candidate.pk]),
            dedupe_key=_opinion_key(candidate.pk),
        )
    return candidate


def recorded_party(member: Member) -> Party | None:
    """The party of the member's latest seat: what the committee's records say."""
    seat = (
        member.memberships.filter(party__isnull=False)
        .select_related("party")
        .order_by("-term__number")
        .first()
    )
    return seat.party if seat else None


def _require_recorded_party(member: Member, party: Party) -> None:
    """C5.1: a member's party, as recorded, decides the department. A different party typed
    on the form would hand the nomination to the other department and, once the list is
    confirmed, rewrite the member's party in their file; a real change of party is made in
    the member's file first."""
    recorded = recorded_party(member)
    if recorded is not None and recorded.pk != party.pk:
        raise ValidationError(
            {
                "party": _(
                    "委员档案中%(name)s的政治面貌为%(party)s，继续提名须与档案一致；"
                    "政治面貌有变化的，请先更正委员档案。"
                )
                % {"name": member.name, "party": recorded.name}
            }
        )


def _require_new_person(round: NominationRound, candidate: Candidate) -> None:
    """A new person is on the list once (a second click on 提名, a second tab), and is not a
    member of the committee already: such a member is re-nominated by choosing them, so that
    the Party group's opinion is asked (C5.3) and no second file is created on confirmation."""
    same = {"name": candidate.name, "birth_date": candidate.birth_date}
    others = Candidate.objects.filter(round=round, member__isnull=True, status__in=LIVE, **same)
    if others.exclude(pk=candidate.pk).exists():
        raise ValidationError({"name": _("该人选已在本次提名名单中。")})
    if Member.objects.filter(organisation=round.organisation, **same).exists():
        raise ValidationError(
            {
                "member": _(
                    "%(name)s已是（或曾是）本会委员，请在“现任（原任）委员”中选择后继续提名。"
                )
                % {"name": candidate.name}
            }
        )


def _candidate_for(actor, candidate: Candidate, *, check) -> Candidate:
    found = (
        Candidate.objects.select_for_update(of=("self",))
        .select_related("round", "round__organisation", "party")
        .get(pk=candidate.pk)
    )
    _require(check(actor, found))
    return found


@transaction.atomic
def consultation_record(
    *,
    candidate: Candidate,
    actor,
    consulted_with: str,
    consulted_on: dt.date,
    note: str,
    expected_version: int | None = None,
) -> Candidate:
    """C5.2: the consultation with the candidate's democratic party or the 工商联, recorded
    by the candidate's own department before the nomination can complete. Recording again
    replaces the record; `expected_version` (the candidate's version the form showed)
    refuses a replacement of a record the user has not seen (`StaleEdit`)."""
    candidate = _candidate_for(actor, candidate, check=policies.can_act_on)
    _require_round_open(candidate.round)
    if candidate.status != C.NOMINATED:
        raise TransitionError(
            _("当前状态为“%(state)s”，不能登记协商情况。")
            % {"state": candidate.get_status_display()}
        )
    if not consulted_with.strip() or not note.strip():
        raise ValidationError(_("请填写协商单位和协商意见。"))
    if consulted_on > timezone.localdate():
        raise ValidationError({"consulted_on": _("协商日期不能晚于今天。")})
    # The consultation is on this round's nomination: not before the round was opened.
    opened = timezone.localdate(candidate.round.created_at)
    if consulted_on < opened:
        raise ValidationError(
            {
                "consulted_on": _("协商日期不能早于提名工作建立日期（%(date)s）。")
                % {"date": reader_date(opened)}
            }
        )
    candidate.consulted_with = consulted_with.strip()[:100]
    candidate.consulted_on = consulted_on
    candidate.consultation_note = note.strip()
    candidate.consultation_by = actor
    save_versioned(
        candidate,
        expected_version=candidate.version if expected_version is None else expected_version,
        fields=["consulted_with", "consulted_on", "consultation_note", "consultation_by"],
    )
    record_event(
        actor=actor,
        verb="nomination.consultation",
        subject=candidate,
        note=f"{candidate.consulted_with}：{candidate.consultation_note}",
        data={"date": consulted_on.isoformat()},
    )
    return candidate


def duty_summary(member: Member, organisation: Organisation, *, until: dt.date) -> dict:
    """The member's duty file in brief, for the Party group (C5.3): score, grade and the
    minimum duties for each year of their seats up to `until`, totals per kind, and the
    discipline cases. Computed by `duty.selectors`, set-based per year."""
    from xieshang.duty import selectors as duty
    from xieshang.duty.models import DisciplineCase, DutyKind

    seats = list(member.memberships.select_related("term").order_by("term__number"))
    first = min((s.term.start_date.year for s in seats), default=until.year)
    first = max(first, until.year - 4)  # a term is five years: the summary covers the last five
    labels = dict(DutyKind.choices)
    years, totals = [], {}
    for year in range(first, until.year + 1):
        score = duty.scores(organisation, year, [member.pk])[member.pk]
        # A year the member left office in is not graded (the duty file's 不参加考核): no
        # grade and no minimum duties asked, as the evaluation page has it.
        score = duty.leave_out(score, duty.left_seat(member, year), year)
        years.append(
            {
                "year": year,
                "total": f"{float(score.total):g}",
                "grade": str(score.grade),
                "minimum_met": score.minimum_met,
                "not_assessed": score.not_assessed,
            }
        )
        for kind, (qty, _points) in score.by_kind.items():
            totals[kind] = totals.get(kind, 0) + float(qty or 0)
    return {
        "generated_at": timezone.now().isoformat(),
        "terms": [str(s.term) for s in seats],
        "years": years,
        "kinds": [
            {"label": str(labels.get(k, k)), "quantity": f"{totals[k]:g}"}
            for k in DutyKind.values
            if k in totals
        ],
        "cases": DisciplineCase.objects.filter(member=member).count(),
    }


@transaction.atomic
def party_group_opinion_record(
    *,
    candidate: Candidate,
    actor,
    agrees: bool,
    opinion: str,
    on_date: dt.date,
    expected_version: int | None = None,
) -> Candidate:
    """C5.3: the CPPCC Party group's opinion on re-nominating an existing member, recorded
    by the office (or the chair) with the member's duty file summary, generated here and
    kept with the opinion. Recording again replaces it, but only as the user saw the
    candidate (`expected_version`): the chair's 不同意 is not overwritten unseen by the
    office's 同意 from a page opened before (`StaleEdit`)."""
    candidate = _candidate_for(
        actor, candidate, check=lambda u, c: policies.can_record_opinion(u, c.round)
    )
    _require_round_open(candidate.round)
    if not candidate.is_continuing:
        raise TransitionError(_("新提名人选无需政协党组意见。"))
    if candidate.status != C.NOMINATED:
        raise TransitionError(
            _("当前状态为“%(state)s”，不能登记政协党组意见。")
            % {"state": candidate.get_status_display()}
        )
    if not opinion.strip():
        raise ValidationError({"opinion": _("请填写政协党组意见。")})
    # The snapshot keeps labels (grades, duty kinds) as text: in the site's language, not
    # the language this clerk happens to browse in.
    with translation.override(settings.LANGUAGE_CODE):
        candidate.duty_summary = duty_summary(
            candidate.member, candidate.round.organisation, until=timezone.localdate()
        )
    candidate.party_group_agrees = agrees
    candidate.party_group_opinion = opinion.strip()
    candidate.party_group_on = on_date
    candidate.party_group_by = actor
    save_versioned(
        candidate,
        expected_version=candidate.version if expected_version is None else expected_version,
        fields=[
            "duty_summary",
            "party_group_agrees",
            "party_group_opinion",
            "party_group_on",
            "party_group_by",
        ],
    )
    record_event(
        actor=actor,
        verb="nomination.party_group_opinion",
        subject=candidate,
        note=Phrase(
            N_("%(k)s：%(t)s"),
            k=Phrase(N_("同意") if agrees else N_("不同意")),
            t=candidate.party_group_opinion,
        ),
        data={"agrees": agrees, "date": on_date.isoformat()},
    )
    settle(_opinion_key(candidate.pk))
    return candidate


def _opinion_key(candidate_id: int) -> str:
    """The office's 继续提名…待登记政协党组意见 notice: settled once the opinion is recorded or
    the candidate or the round is gone."""
    return f"nominations.candidate.{candidate_id}.opinion"


def missing_steps(candidate: Candidate) -> list[str]:
    """What still stands between a nominated candidate and a completed nomination."""
    missing = []
    if candidate.needs_consultation and not candidate.consultation_recorded:  # C5.2
        if candidate.party.kind == Party.Kind.DEMOCRATIC:
            missing.append(
                _("民主党派成员须先与%(party)s协商并登记协商情况。")
                % {"party": candidate.party.short_name or candidate.party.name}
            )
        else:
            missing.append(_("非公有制经济人士须先与工商联协商并登记协商情况。"))
    if candidate.is_continuing:  # C5.3
        if not candidate.party_group_recorded:
            missing.append(_("继续提名须先登记政协党组意见（附履职情况）。"))
        elif not candidate.party_group_agrees:
            missing.append(_("政协党组不同意继续提名。"))
    return missing


@transaction.atomic
def candidate_complete(*, candidate: Candidate, actor) -> Candidate:
    """The department completes its nomination once every required record is in (C5.2,
    C5.3); otherwise `TransitionError` says what is missing."""
    candidate = _candidate_for(actor, candidate, check=policies.can_act_on)
    if not candidate.round.is_draft:
        raise TransitionError(_("名单已确认。"))
    missing = missing_steps(candidate)
    if missing:
        raise TransitionError(" ".join(missing))
    transition(
        candidate,
        to=C.COMPLETED,
        allowed_from=[C.NOMINATED],
        actor=actor,
        verb="nomination.complete",
    )
    return candidate


@transaction.atomic
def candidate_withdraw(*, candidate: Candidate, actor, reason: str) -> Candidate:
    """The department takes its candidate off the list (the row and its history stay)."""
    candidate = _candidate_for(actor, candidate, check=policies.can_act_on)
    if not candidate.round.is_draft:
        raise TransitionError(_("名单已确认，不能撤回。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写撤回原因。")})
    transition(
        candidate,
        to=C.WITHDRAWN,
        allowed_from=[C.NOMINATED, C.COMPLETED],
        actor=actor,
        verb="nomination.withdraw",
        note=reason.strip(),
    )
    settle(_opinion_key(candidate.pk))
    return candidate


CORRECTABLE = ("sector", "categories", "reason")


def can_correct(actor, candidate: Candidate) -> bool:
    """Who may correct a candidate's particulars: the nominating department, and the office
    that keeps the list."""
    return policies.can_act_on(actor, candidate) or policies.can_manage(actor, candidate.round)


@transaction.atomic
def candidate_correct(
    *,
    candidate: Candidate,
    actor,
    expected_version: int,
    sector: Sector,
    categories: list[str] | None = None,
    reason: str = "",
    person: dict | None = None,
) -> Candidate:
    """Correct a candidate on a list not yet confirmed (a misspelt name, a wrong birth date,
    the wrong sector): the row keeps its steps and history; the change is audited field by
    field. A re-nominated member's particulars come from their file (corrected there);
    `person` is for a new person only. The party, which decides the department (C5.1), is
    not corrected here: the candidate is withdrawn and nominated by the other department.

    A completed nomination that the correction leaves needing a step (a category that calls
    for the consultation, say) goes back to 已提名 until the step is recorded."""
    candidate = _candidate_for(actor, candidate, check=can_correct)
    if not candidate.round.is_draft:
        raise TransitionError(_("名单已确认，不能修改人选信息。"))
    if candidate.status not in LIVE:
        raise TransitionError(
            _("当前状态为“%(state)s”，不能修改。") % {"state": candidate.get_status_display()}
        )
    if sector.organisation_id != candidate.round.organisation_id:
        raise ValidationError({"sector": _("所选界别不属于该政协。")})
    categories = sorted(set(categories or []))
    if set(categories) - set(Category.values):
        raise ValidationError({"categories": _("联系类别不正确。")})
    fields = list(CORRECTABLE)
    before = {name: getattr(candidate, name) for name in (*PERSON_FIELDS, *CORRECTABLE)}
    candidate.sector = sector
    candidate.categories = categories
    candidate.reason = (reason or "").strip()
    if not candidate.is_continuing and person is not None:
        if not (person.get("name") or "").strip():
            raise ValidationError({"name": _("请填写姓名。")})
        for name in PERSON_FIELDS:
            if name in person and person[name] is not None:
                setattr(candidate, name, person[name])
        candidate.name = candidate.name.strip()
        fields += [*PERSON_FIELDS, "stroke_key"]
        candidate.stroke_key = stroke_sort_key(candidate.name)
        if (before["name"], before["birth_date"]) != (candidate.name, candidate.birth_date):
            _require_new_person(round=candidate.round, candidate=candidate)
    after = {name: getattr(candidate, name) for name in before}
    changed = [name for name in before if before[name] != after[name]]
    if not changed:
        return candidate
    save_versioned(candidate, expected_version=expected_version, fields=fields)
    labels = dict(Category.choices)
    gender_labels = dict(Gender.choices)

    def shown(name, value):
        if name == "sector":
            return value.name
        if name == "categories":
            return "、".join(str(labels.get(c, c)) for c in value) or "—"
        if name == "gender":
            return gender_labels.get(value, value) or "—"
        return value if value not in ("", None) else "—"

    record_event(
        actor=actor,
        verb="nomination.correct",
        subject=candidate,
        note=joined(
            Phrase(
                N_("%(label)s：%(old)s → %(new)s"),
                label=Candidate._meta.get_field(name).verbose_name,
                old=shown(name, before[name]),
                new=shown(name, after[name]),
            )
            for name in changed
        ),
        data={"changed": changed_fields(before, after)},
    )
    if candidate.status == C.COMPLETED and missing_steps(candidate):
        transition(
            candidate,
            to=C.NOMINATED,
            allowed_from=[C.COMPLETED],
            actor=actor,
            verb="nomination.reopen",
        )
    return candidate


@transaction.atomic
def round_cancel(*, round: NominationRound, actor, reason: str) -> NominationRound:
    """The office calls off a round opened by mistake or overtaken (wrong kind, wrong date,
    a by-election dropped): it is kept with its candidates and history, takes no more
    records, and the committee may open another. The departments hear of it."""
    round = lock(NominationRound, round.pk)
    _require(policies.can_manage(actor, round))
    if not round.is_draft:
        raise TransitionError(
            _("当前状态为“%(state)s”，不能取消。") % {"state": round.get_status_display()}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写取消原因。")})
    transition(
        round,
        to=R.CANCELLED,
        allowed_from=[R.DRAFT],
        actor=actor,
        verb="nomination.round_cancel",
        note=reason,
    )
    settle(*(_opinion_key(pk) for pk in round.candidates.values_list("pk", flat=True)))
    notify(
        [u for u in access.role_holders(round.organisation, *CONFIRM_ROLES) if u.pk != actor.pk],
        title=Phrase(N_("%(title)s已取消"), title=round.title),
        body=reason,
        url=reverse("nominations:detail", args=[round.pk]),
        dedupe_key=f"nominations.{round.pk}.cancel",
    )
    return round


# --- Confirmation (C5.10) ---------------------------------------------------------------------


def confirm_blockers(round: NominationRound, composition: dict | None = None) -> list[str]:
    """Why the list cannot be confirmed yet: unfinished nominations, seats exceeded, an
    empty list, a by-election's effective date still ahead. Share limits are warnings,
    shown but not blocking: the departments and the Party committee weigh them."""
    from . import selectors

    composition = composition or selectors.composition(round)
    problems = []
    if round.kind == RoundKind.BY_ELECTION and timezone.localdate() < round.effective_date:
        # The seats start on the effective date (the standing committee's vote), and a seat
        # counts as 在任 from the day it is created: none is created before then.
        problems.append(
            _("增补委员自生效日期（%(date)s，常委会会议）起任职，请在该日及以后确认名单。")
            % {"date": reader_date(round.effective_date)}
        )
    if composition["listed"] == 0:
        problems.append(_("名单中还没有提名完成的人选。"))
    if composition["pending"]:
        problems.append(_("还有%(n)s名人选未完成提名。") % {"n": composition["pending"]})
    for row in composition["seats"]:
        if row["count"] > row["seats"]:
            problems.append(
                _("%(label)s超出名额（%(count)s/%(seats)s）。")
                % {"label": row["label"], "count": row["count"], "seats": row["seats"]}
            )
    return problems


# Who hears that a round was cancelled or its list seated: the office and the two Party
# departments that take part in the consultation on the candidates.
CONFIRM_ROLES = (Role.OFFICE, Role.ORGANISATION_DEPT, Role.UNITED_FRONT)


def round_confirm(*, round: NominationRound, actor) -> NominationRound:
    """Seat the list, all or nothing (C5.10). For 换届: create the new term (or take the
    one already set up with that number), end every active seat of the old term as 届满
    through `members.services.membership_end_term`, then seat each completed candidate in
    the new term; for 增补: seat them in the current term from the round's effective date
    (not before it: `confirm_blockers`). A new person becomes a Member here
    (`members.services.member_create`); an existing member gets the new seat through
    `member_update`. Every step writes its own audit event; the candidates become 已任委员."""
    with transaction.atomic():
        round = lock(NominationRound, round.pk)
        _require(policies.can_manage(actor, round))
        if not round.is_draft:
            raise TransitionError(_("名单已确认。"))
        problems = confirm_blockers(round)
        if problems:
            raise TransitionError(" ".join(problems))
        old = round.base_term
        if round.kind == RoundKind.NEW_TERM:
            ended_on = round.effective_date - dt.timedelta(days=1)
            target, _created = Term.objects.get_or_create(
                organisation=round.organisation,
                number=old.number + 1,
                defaults={"start_date": round.effective_date},
            )
            if old.end_date is None:
                old.end_date = ended_on
                old.save(update_fields=["end_date"])
            # The old seats' exit reason is data, read by everyone: in the site's language.
            reason = site_text(N_("换届：%(title)s"), title=round.title)
            for seat in Membership.objects.filter(term=old, status=Membership.Status.ACTIVE):
                member_services.membership_end_term(
                    membership=seat, actor=actor, reason=reason, on_date=ended_on
                )
        else:
            target = old
        # 换届: the new term's seats begin with it (None), even on a list confirmed after
        # the term began. 增补: on the effective date (the list is confirmed on or after it,
        # `confirm_blockers`), None when that is the term's own first day.
        start = None
        if round.kind == RoundKind.BY_ELECTION and round.effective_date > target.start_date:
            start = round.effective_date
        candidates = list(
            Candidate.objects.filter(round=round, status=C.COMPLETED)
            .select_related("member", "party", "sector")
            .order_by("stroke_key", "id")
        )
        for candidate in candidates:
            seat = {"sector": candidate.sector, "party": candidate.party, "start_date": start}
            if candidate.member_id:
                member = lock(Member, candidate.member_id)
                member_services.member_update(
                    member=member,
                    term=target,
                    expected_version=member.version,
                    data=member_services.MemberInput(
                        member={}, seat=seat, categories=list(candidate.categories)
                    ),
                    actor=actor,
                )
            else:
                member = member_services.member_create(
                    organisation=round.organisation,
                    term=target,
                    data=member_services.MemberInput(
                        member={name: getattr(candidate, name) for name in PERSON_FIELDS},
                        seat=seat,
                        categories=list(candidate.categories),
                    ),
                    actor=actor,
                )
            candidate.seated_member = member
            transition(
                candidate,
                to=C.SEATED,
                allowed_from=[C.COMPLETED],
                actor=actor,
                verb="nomination.seat",
                extra_fields=["seated_member"],
            )
        round.target_term = target
        round.confirmed_at = timezone.now()
        round.confirmed_by = actor
        transition(
            round,
            to=R.CONFIRMED,
            allowed_from=[R.DRAFT],
            actor=actor,
            verb="nomination.round_confirm",
            note=str(target),
            extra_fields=["target_term", "confirmed_at", "confirmed_by"],
            data={"term": target.pk, "seated": len(candidates)},
        )
        url = reverse("nominations:detail", args=[round.pk])
        recipients = list(access.role_holders(round.organisation, *CONFIRM_ROLES))
        title = Phrase(N_("%(title)s名单已确认"), title=round.title)
        # A term's name (第十五届) is no catalogue message: kept in the site's language.
        with translation.override(settings.LANGUAGE_CODE):
            term_name = str(target)
        body = Phrase(N_("%(n)s名人选任%(term)s委员。"), n=len(candidates), term=term_name)
        notify(recipients, title=title, body=body, url=url, dedupe_key=f"nominations.{round.pk}")
    return round
