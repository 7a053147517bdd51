"""An issue comes in: its ticket and check code, a resident's portal submission (with the
screening's marks) and what staff enter for residents heard in person or at a session."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core import counters
from xieshang.core.audit import record_event
from xieshang.orgs.models import Level, Organisation
from xieshang.portal import tickets

from .. import policies
from ..messaging import queue_sms
from ..models import ResidentIssue
from .common import TICKET_PREFIX, ResidentActor, S, _check_session

# --- ticket and check code ---------------------------------------------------------------------


def _year_tickets(year: int):
    return ResidentIssue.objects.filter(ticket__startswith=f"{TICKET_PREFIX}{year}-")


def _highest_number(year: int) -> int | None:
    top = _year_tickets(year).aggregate(t=Max("ticket"))["t"]
    return int(top.rsplit("-", 1)[1]) if top else None


def new_ticket(year: int | None = None) -> str:
    """MQ2026-000123: one series per year for the whole deployment, because a resident
    looks an issue up by its ticket alone, whichever street it belongs to."""
    year = year or timezone.localdate().year
    n = counters.next_value(f"residents.ticket:{year}", start_after=lambda: _highest_number(year))
    return f"{TICKET_PREFIX}{year}-{n:06d}"


def find_by_ticket(ticket: str, code: str) -> ResidentIssue | None:
    """The issue for ticket + check code, or None: a wrong code and an unknown ticket give
    the same None (portal.tickets, shared with the other public forms)."""
    qs = ResidentIssue.objects.select_related("organisation", "department", "platform")
    return tickets.find(qs, "".join((ticket or "").split()), code)


# --- creation ----------------------------------------------------------------------------------


def _check_node(organisation: Organisation) -> None:
    if organisation.level not in (Level.STREET, Level.COMMUNITY):
        raise ValidationError({"organisation": _("请选择街道或社区。")})


def _check_platform(organisation: Organisation, platform) -> None:
    if platform is not None and not organisation.path.startswith(platform.organisation.path):
        if not platform.organisation.path.startswith(organisation.path):
            raise ValidationError({"platform": _("所选平台不在该街道或社区。")})


def _create(
    *,
    organisation,
    title,
    description,
    channel,
    status,
    location="",
    resident_name="",
    phone="",
    platform=None,
    session=None,
    actor=None,
    verdict=None,
) -> tuple[ResidentIssue, str]:
    _check_node(organisation)
    _check_platform(organisation, platform)
    if not title.strip():
        raise ValidationError({"title": _("请用一句话说明您反映的事。")})
    if not description.strip():
        raise ValidationError({"description": _("请写一写具体情况。")})
    ticket = new_ticket()
    code = tickets.new_code()
    now = timezone.now()
    issue = ResidentIssue.objects.create(
        organisation=organisation,
        platform=platform,
        session=session,
        ticket=ticket,
        check_code_hash=tickets.hash_code(code),
        title=title.strip()[:100],
        description=description.strip(),
        location=location.strip()[:100],
        channel=channel,
        resident_name=resident_name.strip()[:30],
        phone=phone.strip()[:20],
        status=status,
        entered_by=actor if getattr(actor, "pk", None) else None,
        accepted_at=now if status != S.SUBMITTED else None,
        screen_held=bool(getattr(verdict, "held", False)),
        screen_spam=bool(getattr(verdict, "spam", False)),
        screen_reasons=list(getattr(verdict, "reasons", ()) or ()),
        screen_score=int(getattr(verdict, "score", 0) or 0),
    )
    data = {"channel": channel, "to_label": issue.get_status_display()}
    if verdict is not None and (issue.screen_held or issue.screen_spam):
        data["screening"] = issue.screen_reasons
    record_event(
        # A portal submission is the resident's own step (named, not 系统, in the history).
        actor=actor if actor is not None else ResidentActor(issue),
        verb="resident_issue.create",
        subject=issue,
        to_state=status,
        note=ResidentIssue.Channel(issue.channel).label,  # read in the reader's language
        data=data,
    )
    return issue, code


@transaction.atomic
def issue_submit_public(
    *,
    organisation,
    title: str,
    description: str,
    location: str = "",
    resident_name: str = "",
    phone: str = "",
    platform=None,
    verdict=None,
) -> tuple[ResidentIssue, str]:
    """A resident's issue from the portal. Returns the issue and its check code, which is
    shown once on the thanks page and never stored in clear. Nothing is texted now: the
    number is unverified, so the first message waits until a person has accepted the issue
    (the form cannot be used to send texts to a stranger's phone)."""
    return _create(
        organisation=organisation,
        title=title,
        description=description,
        location=location,
        resident_name=resident_name,
        phone=phone,
        platform=platform,
        channel=ResidentIssue.Channel.PORTAL,
        status=S.SUBMITTED,
        verdict=verdict,
    )


@transaction.atomic
def issue_record(
    *,
    actor,
    organisation,
    title: str,
    description: str,
    channel: str = ResidentIssue.Channel.IN_PERSON,
    location: str = "",
    resident_name: str = "",
    phone: str = "",
    platform=None,
    session=None,
) -> tuple[ResidentIssue, str]:
    """What residents raised in person (to a liaison officer or a convener) or at a
    session, entered by staff: accepted at once (a person heard it), on the session's agenda
    when one is named. The check code is shown once, to be handed to the resident."""
    if not policies.can_triage_in(actor, organisation):
        raise PermissionDenied
    if channel not in ResidentIssue.Channel.values or channel == ResidentIssue.Channel.PORTAL:
        raise ValidationError({"channel": _("来源渠道不正确。")})
    if session is not None:
        _check_session(organisation, session)
        platform = platform or session.platform
    issue, code = _create(
        organisation=organisation,
        title=title,
        description=description,
        location=location,
        resident_name=resident_name,
        phone=phone,
        platform=platform,
        session=session,
        channel=channel,
        status=S.AGENDA if session is not None else S.ACCEPTED,
        actor=actor,
    )
    queue_sms(issue)
    return issue, code
