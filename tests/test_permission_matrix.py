"""The permission matrix: every URL pattern × every demo role, and another district's staff.

The city demo profile gives ten districts under one city; the demo logins all work in the
demo district ("A"). This module adds an office clerk, a member and a department clerk in a
second district ("B") through the product's own services, and a few marked objects of B.
Then, for every URL pattern of the project (found by walking the resolver, so a new page is
covered the day it is added), with each path converter filled from `OBJECTS` (an explicit
map from URL name to the object each kwarg names):

- no request, GET or POST with an empty body, answers with a server error;
- an account of one district gets 403/404 (or the login page) on the other district's
  object pages, and the list pages of one district never show the other's marked rows;
- anonymous visitors reach only the public pages;
- a POST that the server refuses (or that comes from someone who cannot even see the
  object) changes nothing: neither the audit trail nor the object's status or version.

Every POST runs in a savepoint that is rolled back, so the actions of roles that *may* act
(the proposal staff accepting a proposal…) never change what the next request sees.
"""

import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from tests.demodata import DEMO_SEED, check_foreign_keys_now, seed_demo_data
from xieshang.demo import accounts

# The city is seeded once a run and copied into each worker's database (tests/demodata.py),
# so both workers share the module's cases (~7 minutes of them here).
pytestmark = pytest.mark.demo_data("city")

MARK_A = "甲区标记"
MARK_B = "乙区标记"
SEED = DEMO_SEED

# Patterns that are not pages of the product, or that end the session.
SKIP_NAMES = {"logout", "set_language", "javascript-catalog", "api:openapi-json"}
SKIP_NAMES |= {"api:openapi-view", "api:api-root"}
SKIP_PREFIXES = ("admin/", "i18n/", "static/", "media/", "jsi18n/")
# Pages anyone may open without logging in.
PUBLIC = {
    "login",
    "favicon",
    "healthz",
    "health",  # full detail only to HEALTH_ALLOWED_IPS or the token (tests/core/test_health.py)
    "health_live",
    "portal:home",
    "portal:proposals",
    "portal:proposal",
    "portal:data",  # open data: the published rows of the portal pages, as files
    "portal:data_csv",
    "portal:data_json",
    "consultation_public:submit",
    "consultation_public:thanks",
    "consultation_public:lookup",
    "duty_public:verify",
    "awards_public:list",
    "awards_public:detail",
    "platforms_public:index",
    "platforms_public:outcomes",
    "platforms_public:outcome",
    "platforms_public:street",
    "residents_public:submit",
    "residents_public:thanks",  # 404 unless this browser just submitted
    "residents_public:lookup",  # ticket + check code, posted, are the key
    "residents_public:rate",  # only the issue this browser looked up
    "residents_public:answers",
    "residents_public:answer",  # published answers only, the resident removed
    "meetings:signin",  # the signed QR code is the key; the page asks for a login itself
    "meetings:feed",  # the signed token in the address is the key
    "otp_verify",
    "otp_setup",
}
# Addresses whose secret is in the path (a signed token): whoever holds the link may open
# it, so "the other district gets 404" does not apply.
CAPABILITY = {"meetings:feed", "meetings:signin", "portal:proposal"}
# The thanks page answers any ticket alike: in another browser it shows only the way to the
# lookup page, which needs the check code.
CAPABILITY |= {"consultation_public:thanks"}
# Public pages of every district's published platform data (no login, nothing personal).
CAPABILITY |= {"platforms_public:outcome", "platforms_public:street"}
# Published commendation lists of every district (names and units only, C5.8).
CAPABILITY |= {"awards_public:detail"}
CAPABILITY |= {"residents_public:answer"}
# Public lists of every district's published rows (the portal serves the whole deployment,
# as portal:proposals does): another district's marked platform on them is not a leak.
# What may reach them (running platforms, approved outcomes) is tested in tests/platforms.
PUBLIC_LISTS = {"platforms_public:index", "platforms_public:outcomes"}
# What may reach the answers list (published, unscreened answers) is tested in tests/residents.
PUBLIC_LISTS |= {"residents_public:answers"}
# The portal's list is every published answer of every district, with its proposers' names:
# a marked member who proposed a published one is on it by design. That nothing unpublished
# reaches it is tested in tests/portal (test_an_unpublished_answer_is_a_404_and_not_listed).
PUBLIC_LISTS |= {"portal:proposals"}
# Query strings for pages that show rows only when asked: the header search looks for what
# both districts' marked rows share, so a row of the other district found would be a leak.
QUERIES = {"search": "?q=区标记", "picker": "?q=区标记"}


# --- the walk over the resolver -------------------------------------------------------------
@dataclass(frozen=True)
class Pattern:
    route: str  # "proposals/<int:pk>/act/<slug:action>/"
    name: str  # "proposals:act"
    kwargs: tuple[str, ...]

    def url(self, values: dict) -> str:
        def fill(match: re.Match) -> str:
            return str(values[match.group(2)])

        return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, self.route)


def walk(resolver=None, prefix: str = "", namespace: str = ""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
            kwargs = tuple(m.group(2) for m in re.finditer(r"<(?:(\w+):)?(\w+)>", route))
            yield Pattern(route, name, kwargs)


def patterns() -> list[Pattern]:
    seen: dict[tuple[str, str], Pattern] = {}
    for p in walk():
        if p.name in SKIP_NAMES or p.route.startswith(SKIP_PREFIXES) or "(?P<" in p.route:
            continue
        seen.setdefault((p.route, p.name), p)
    return list(seen.values())


# --- the objects each URL kwarg names ---------------------------------------------------------
# url name -> {kwarg: function(world, side) -> value, a list of values, or None}; `side` is
# "A" (the demo district) or "B" (the other district). A new URL pattern with a kwarg fails
# `test_every_url_kwarg_is_mapped` until it is added here.


def _pk(obj) -> int | None:
    return None if obj is None else obj.pk


def obj(key: str) -> Callable:
    def get(w, side):
        return _pk(w.objects[side].get(key))

    get.key = key
    return get


def rel(key: str, attr: str) -> Callable:
    """The pk of an object hanging off another (a proposal's answer, a task's extension)."""

    def get(w, side):
        found = w.objects[side].get(key)
        for part in attr.split("."):
            found = None if found is None else getattr(found, part)
        return found

    get.key = key
    return get


def const(*values) -> Callable:
    """Fixed values that name no object of either district (an export's table name)."""

    def get(w, side):
        return list(values)

    get.neutral = True
    return get


def opendata_keys(w, side):
    """Every registered open-data set (portal.opendata): no object of either district."""
    from xieshang.portal import opendata

    return opendata.keys()


opendata_keys.neutral = True


def picker_sources(w, side):
    """Every registered server-searched picker (core.pickers): no object of either district."""
    from xieshang.core import pickers

    return pickers.registered()


picker_sources.neutral = True


def proposal_actions(w, side):
    from xieshang.proposals.views import ACTIONS

    return sorted(ACTIONS)


def stored_file(part: int) -> Callable:
    """(label, pk, field) of the first row holding a file, of any model registered with
    `core.files` (the download view checks the row's own policy)."""

    def get(w, side):
        found = w.objects[side].get("file")
        return None if found is None else found[part]

    return get


OBJECTS: dict[str, dict[str, Callable]] = {
    "file": {"label": stored_file(0), "pk": stored_file(1), "field": stored_file(2)},
    "api:file": {"label": stored_file(0), "pk": stored_file(1), "field": stored_file(2)},
    "inbox_read": {"pk": obj("notification")},
    "api_token_revoke": {"pk": obj("api_token")},
    "tree_node": {"pk": obj("organisation")},
    "organisation_edit": {"pk": obj("organisation")},
    "orgs:rules": {"org_id": obj("organisation")},
    "orgs:department_remit": {"pk": rel("assignment", "department_id")},
    "orgs:terms": {"org_id": obj("organisation")},
    "orgs:session_add": {"term_pk": rel("membership", "term_id")},
    "orgs:session_edit": {"pk": rel("proposal", "session_id")},
    "orgs:departments": {"org_id": obj("organisation")},
    "orgs:sectors": {"org_id": obj("organisation")},
    "orgs:committees": {"org_id": obj("organisation")},
    "orgs:department_edit": {"pk": rel("assignment", "department_id")},
    "orgs:department_active": {"pk": rel("assignment", "department_id")},
    "orgs:sector_edit": {"pk": rel("membership", "sector_id")},
    "orgs:committee_edit": {"pk": rel("committee_report", "committee_id")},
    "user_detail": {"pk": obj("user")},
    "user_role_remove": {"pk": obj("user"), "ra_pk": obj("role_assignment")},
    "user_password_reset": {"pk": obj("user")},
    "user_set_active": {"pk": obj("user")},
    "user_unlock": {"pk": obj("user")},
    "user_contact": {"pk": obj("user")},
    "user_end_sessions": {"pk": obj("user")},
    "user_otp_reset": {"pk": obj("user")},
    "calendar_day_remove": {"pk": obj("calendar_day")},
    "calendar_year": {"year": const(2027)},  # the calendar is the deployment's, not a district's
    "members:detail": {"pk": obj("member")},
    "members:edit": {"pk": obj("member")},
    "members:membership_status": {"pk": obj("member"), "membership_pk": obj("membership")},
    "members:import_job": {"pk": obj("import_job")},
    "job": {"pk": obj("job")},
    "job_download": {"pk": obj("job")},
    "members:checks_export": {"table": const("streets", "no_committee")},
    "duty:member_file": {"pk": obj("member")},
    "duty:entry_for_member": {"pk": obj("member")},
    "duty:member_report": {"pk": obj("member")},
    "duty:member_certificate": {"pk": obj("member")},
    "duty:entry_decide": {"pk": obj("duty_record")},
    "duty:case": {"pk": obj("case")},
    "duty:case_exit": {"pk": obj("case")},
    "duty:commendation_submit": {"pk": obj("commendation")},
    "duty:commendation_decide": {"pk": obj("commendation")},
    "duty:commendation_publish": {"pk": obj("commendation")},
    "duty:commendation_document": {"pk": obj("commendation")},
    "awards_public:detail": {"pk": obj("public_commendation")},
    "followups:detail": {"pk": obj("task")},
    "followups:feedback": {"pk": obj("task")},
    "followups:extension": {"pk": obj("task")},
    "followups:extension_decide": {"pk": rel("extension", "task_id"), "ext_pk": obj("extension")},
    "followups:close": {"pk": obj("task")},
    "followups:urge": {"pk": obj("task")},
    "followups:reopen": {"pk": obj("task")},
    # An item reported to the Party committee and government: their offices of its own
    # district record instructions on it, another district's nobody.
    "followups:instruction_new": {
        "target": const("opinions.opinion"),
        "pk": obj("reported_opinion"),
    },
    "followups:referral_new": {"kind": const("opinions.opinion"), "pk": obj("opinion")},
    "followups:referral_decide": {"pk": obj("referral"), "action": const("adopt", "return")},
    "proposals:dept_handle": {"pk": obj("assignment")},
    "proposals:dept_contact": {"pk": obj("assignment")},
    "proposals:dept_co_view": {"pk": obj("assignment")},
    "proposals:dept_answer": {"pk": obj("assignment")},
    "proposals:dept_extension": {"pk": obj("assignment")},
    "proposals:dept_return": {"pk": obj("assignment")},
    "proposals:dept_letter": {"answer_pk": obj("answer")},
    "proposals:dept_sign_off": {"answer_pk": obj("answer")},
    "proposals:dept_send_back": {"answer_pk": obj("answer")},
    "proposals:dept_record_upload": {"answer_pk": obj("answer")},
    "proposals:detail": {"pk": obj("proposal")},
    "proposals:detail_similar": {"pk": obj("proposal")},
    "proposals:reassign": {
        "pk": rel("assignment", "proposal_id"),
        "assignment_pk": obj("assignment"),
    },
    "proposals:edit": {"pk": obj("proposal")},
    "proposals:act": {"pk": obj("proposal"), "action": proposal_actions},
    "picker": {"source": picker_sources},
    "proposals:rate": {"pk": rel("answer", "assignment.proposal_id"), "answer_pk": obj("answer")},
    "proposals:rate_for": {
        "pk": rel("answer", "assignment.proposal_id"),
        "answer_pk": obj("answer"),
    },
    "proposals:attachment_add": {"pk": obj("proposal")},
    "proposals:attachment_remove": {
        "pk": rel("proposal_attachment", "proposal_id"),
        "attachment_pk": obj("proposal_attachment"),
    },
    "proposals:print": {"pk": obj("proposal")},
    "proposals:pdf": {"pk": obj("proposal")},
    "meetings:detail": {"pk": obj("meeting")},
    "meetings:edit": {"pk": obj("meeting")},
    "meetings:sitting_add": {"pk": obj("meeting")},
    "meetings:invite": {"pk": obj("meeting")},
    "meetings:publish": {"pk": obj("meeting")},
    "meetings:cancel": {"pk": obj("meeting")},
    "meetings:close": {"pk": obj("meeting")},
    "meetings:signup": {"pk": obj("meeting")},
    "meetings:signup_cancel": {"pk": obj("meeting")},
    "meetings:sitting_edit": {"pk": obj("sitting")},
    "meetings:sitting_delete": {"pk": obj("sitting")},
    "meetings:leave": {"pk": obj("meeting")},
    "meetings:file_report": {"pk": obj("meeting")},
    "meetings:report_send": {"pk": obj("meeting")},
    "meetings:report_unsend": {"pk": obj("meeting")},
    "meetings:instruction": {"pk": obj("meeting")},
    "meetings:report": {"pk": obj("meeting")},
    "meetings:report_xlsx": {"pk": obj("meeting")},
    "meetings:report_pdf": {"pk": obj("meeting")},
    "meetings:ics": {"pk": obj("meeting")},
    "meetings:speech_new": {"pk": obj("meeting")},
    "meetings:speech": {"pk": obj("speech")},
    "meetings:speech_act": {
        "pk": obj("speech"),
        "action": const("select", "decline", "schedule", "deliver"),
    },
    "meetings:board": {"pk": obj("sitting")},
    "meetings:qr_renew": {"pk": obj("sitting")},
    "meetings:mark": {"pk": rel("invitation_sitting", "pk"), "invitation_pk": obj("invitation")},
    "meetings:signin": {"sitting_pk": obj("sitting"), "token": lambda w, s: w.tokens[s]["signin"]},
    "meetings:leave_decide": {"pk": obj("leave")},
    "meetings:leave_withdraw": {"pk": obj("leave")},
    "meetings:feed": {"token": lambda w, s: w.tokens[s]["feed"]},
    "meetings:briefing": {"pk": obj("briefing")},
    "meetings:briefing_publish": {"pk": obj("briefing")},
    "meetings:briefing_edit": {"pk": obj("briefing")},
    "meetings:briefing_node_read": {"pk": obj("briefing")},
    "meetings:briefing_pass_on": {"pk": obj("briefing")},
    "meetings:briefing_remind": {"pk": obj("briefing")},
    "meetings:committee_report": {"pk": obj("committee_report")},
    "consultation:topic": {"pk": obj("topic")},
    "consultation:topic_moderate": {"pk": obj("topic")},
    "consultation:topic_merge": {"pk": obj("topic")},
    "consultation:plan": {"pk": obj("plan")},
    "consultation:plan_edit": {"pk": obj("plan")},
    "consultation:plan_item_new": {"pk": obj("plan")},
    "consultation:plan_item": {"pk": rel("plan_item", "plan_id"), "item_pk": obj("plan_item")},
    "consultation:plan_item_remove": {
        "pk": rel("plan_item", "plan_id"),
        "item_pk": obj("plan_item"),
    },
    "consultation:plan_forward": {"pk": obj("plan")},
    "consultation:plan_send_back": {"pk": obj("plan")},
    "consultation:plan_comment": {"pk": obj("plan")},
    "consultation:plan_diff": {"pk": obj("plan")},
    "consultation:plan_pdf": {"pk": obj("plan")},
    "consultation:party_plan": {"pk": obj("party_plan")},
    "consultation:party_plan_action": {
        "pk": obj("party_plan"),
        "action": const("send", "finalise", "comment"),
    },
    "consultation:activity": {"pk": obj("activity")},
    "consultation:activity_edit": {"pk": obj("activity")},
    "consultation:activity_participants": {"pk": obj("activity")},
    "consultation:activity_leader_account": {"pk": obj("activity")},
    "consultation:activity_hold": {"pk": obj("activity")},
    "consultation:activity_speech": {"pk": obj("activity")},
    "consultation:activity_attachment": {"pk": obj("activity")},
    "consultation:outcome_new": {"pk": obj("activity")},
    "consultation:outcome": {"pk": obj("outcome")},
    "consultation:outcome_submit": {"pk": obj("outcome")},
    "consultation:outcome_edit": {"pk": obj("outcome")},
    "consultation:outcome_in_decision": {"pk": obj("outcome")},
    "consultation:outcome_decide": {"pk": obj("outcome")},
    "consultation:outcome_close": {"pk": obj("outcome")},
    "consultation_public:thanks": {"ticket": lambda w, s: w.tokens[s]["ticket"]},
    "screening:term_toggle": {"pk": obj("screening_term")},
    "opinions:issue": {"pk": obj("issue")},
    "opinions:issue_pdf": {"pk": obj("issue")},
    "opinions:detail": {"pk": obj("opinion")},
    "opinions:edit": {"pk": obj("opinion")},
    "opinions:report": {"pk": obj("opinion")},
    "opinions:adopt": {"pk": obj("opinion")},
    "opinions:instruct": {"pk": obj("opinion")},
    "opinions:adoption_edit": {"pk": rel("adoption", "opinion_id"), "adoption_pk": obj("adoption")},
    "opinions:adoption_void": {"pk": rel("adoption", "opinion_id"), "adoption_pk": obj("adoption")},
    "opinions:decide": {
        "pk": obj("opinion"),
        "action": const("submit", "accept", "return", "merge"),
    },
    "portal:proposal": {"pk": obj("public_proposal")},
    "portal:data_csv": {"key": opendata_keys},
    "portal:data_json": {"key": opendata_keys},
    "api:member_detail": {"member_id": obj("member")},
    "api:get_task": {"pk": obj("task")},
    "api:submit_feedback": {"pk": obj("task")},
    "api:get_proposal": {"pk": obj("proposal")},
    "api:update_proposal": {"pk": obj("proposal")},
    "api:accept": {"pk": obj("proposal")},
    "api:assign": {"pk": obj("proposal")},
    "api:get_topic": {"pk": obj("topic")},
    "api:get_plan": {"pk": obj("plan")},
    "api:forward_plan": {"pk": obj("plan")},
    "api:send_back_plan": {"pk": obj("plan")},
    "api:decide_leave": {"pk": obj("leave")},
    "api:get_meeting": {"pk": obj("meeting")},
    "api:attendance": {"pk": obj("meeting")},
    "api:ask_leave": {"pk": obj("meeting")},
    "api:sign_in": {"pk": obj("sitting")},
    "api:get_opinion": {"pk": obj("opinion")},
    "platforms:detail": {"pk": obj("platform")},
    "platforms:edit": {"pk": obj("platform")},
    "platforms:status": {"pk": obj("platform")},
    "platforms:assign": {"pk": obj("platform")},
    "platforms:session_create": {"pk": obj("platform")},
    "platforms:unassign": {
        "pk": rel("platform_member", "platform_id"),
        "assignment_pk": obj("platform_member"),
    },
    "platforms:session": {"pk": obj("platform_session")},
    "platforms:session_edit": {"pk": obj("platform_session")},
    "platforms:session_record": {"pk": obj("platform_session")},
    "platforms:session_approve": {"pk": obj("platform_session")},
    "platforms:session_cancel": {"pk": obj("platform_session")},
    "platforms_public:outcome": {"pk": obj("public_platform_session")},
    "platforms_public:street": {"pk": rel("platform", "organisation_id")},
    "residents:detail": {"pk": obj("resident_issue")},
    "residents:act": {"pk": obj("resident_issue"), "action": const("accept", "route", "close")},
    "residents_public:answer": {"pk": obj("public_resident_issue")},
    "nominations:detail": {"pk": obj("nomination_round")},
    "nominations:seats": {"pk": obj("nomination_round")},
    "nominations:nominate": {"pk": obj("nomination_round")},
    "nominations:confirm": {"pk": obj("nomination_round")},
    "nominations:cancel": {"pk": obj("nomination_round")},
    "nominations:composition": {"pk": obj("nomination_round")},
    "nominations:roster_xlsx": {"pk": obj("nomination_round")},
    "nominations:roster_pdf": {"pk": obj("nomination_round")},
    "nominations:candidate": {"pk": obj("nomination_candidate")},
    "nominations:consultation": {"pk": obj("nomination_candidate")},
    "nominations:opinion": {"pk": obj("nomination_candidate")},
    "nominations:complete": {"pk": obj("nomination_candidate")},
    "nominations:withdraw": {"pk": obj("nomination_candidate")},
    "nominations:correct": {"pk": obj("nomination_candidate")},
    "budgets:line": {"pk": obj("budget_line")},
    "budgets:edit": {"pk": obj("budget_line")},
    "budgets:spend": {"pk": obj("budget_line")},
    "budgets:void": {"pk": rel("spending_entry", "line_id"), "entry_pk": obj("spending_entry")},
    "api:get_budget_line": {"pk": obj("budget_line")},
}


# --- the world ---------------------------------------------------------------------------------
@dataclass
class World:
    a: object  # the demo district
    b: object  # another district of the same city
    users: dict[str, object]  # principal name -> User (None: anonymous)
    tokens: dict[str, dict] = field(default_factory=dict)
    objects: dict[str, dict] = field(default_factory=dict)
    api_tokens: dict[str, str] = field(default_factory=dict)
    post_only: set[str] = field(default_factory=set)
    # Addresses that answered 405 to a logged-in POST: the method decorator refuses before
    # any role is asked, so the next posters skip them (a refused 405 changes nothing).
    get_only: set[str] = field(default_factory=set)

    def values(self, pattern: Pattern, side: str) -> list[dict] | None:
        """Every filling of the pattern's kwargs with `side`'s objects; None when that side
        has no such object."""
        spec = OBJECTS.get(pattern.name, {})
        fillings = [{}]
        for kwarg in pattern.kwargs:
            value = spec[kwarg](self, side)
            if value is None:
                return None
            options = value if isinstance(value, list) else [value]
            fillings = [{**f, kwarg: v} for f in fillings for v in options]
        return fillings


def _first(qs):
    return qs.order_by("pk").first()


def _mark(instance, attr: str, mark: str) -> None:
    """Put the district's marker into an object's title, without any side effect."""
    value = getattr(instance, attr)
    if mark not in value:
        type(instance).objects.filter(pk=instance.pk).update(**{attr: f"{mark}{value}"[:100]})
        setattr(instance, attr, f"{mark}{value}"[:100])


def _a_objects(a) -> dict:
    from xieshang.consultation.models import (
        Activity,
        ConsultationPlan,
        Outcome,
        PartyPlan,
        PlanItem,
        Topic,
    )
    from xieshang.core.models import ApiToken, CalendarDay, Notification, User
    from xieshang.duty.models import Commendation, DisciplineCase, DutyRecord
    from xieshang.followups.models import Extension, Referral, Task
    from xieshang.meetings.models import (
        Briefing,
        CommitteeReport,
        Invitation,
        LeaveRequest,
        Meeting,
        Sitting,
        Speech,
    )
    from xieshang.members.models import Member, Membership
    from xieshang.nominations.models import Candidate, NominationRound
    from xieshang.opinions.models import Adoption, Issue, Opinion
    from xieshang.orgs.models import RoleAssignment
    from xieshang.platforms.models import Platform, PlatformMember, PlatformSession
    from xieshang.proposals.models import Answer, Assignment, Proposal
    from xieshang.residents.models import ResidentIssue
    from xieshang.residents.selectors import public_answers

    sub = a.path
    demo_names = {u for u, _label in accounts()}
    user = _first(
        User.objects.filter(role_assignments__organisation=a).exclude(username__in=demo_names)
    )
    member = _first(Member.objects.filter(organisation=a, user__isnull=True))
    if not CalendarDay.objects.exists():
        CalendarDay.objects.create(date=dt.date(2031, 10, 8), is_working_day=True, note="调休")
    invitation = _first(Invitation.objects.filter(meeting__organisation=a))
    found = {
        "notification": _first(Notification.objects.filter(recipient__username="office")),
        # Not the token the matrix calls the API with: revoking this one leaves those.
        "api_token": ApiToken.issue(user=User.objects.get(username="office"), name="矩阵对象")[0],
        "organisation": a,
        "user": user,
        "role_assignment": _first(RoleAssignment.objects.filter(user=user)),
        "calendar_day": _first(CalendarDay.objects.all()),
        "member": member,
        "membership": _first(Membership.objects.filter(member=member)),
        "duty_record": _first(DutyRecord.objects.filter(organisation=a)),
        "case": _first(DisciplineCase.objects.filter(organisation=a)),
        "commendation": _first(Commendation.objects.filter(organisation=a)),
        "public_commendation": _first(
            Commendation.objects.filter(organisation=a, status="published")
        ),
        "task": _first(Task.objects.filter(organisation=a)),
        "extension": _first(Extension.objects.filter(task__organisation=a)),
        "assignment": _first(Assignment.objects.filter(proposal__organisation=a)),
        "answer": _first(Answer.objects.filter(assignment__proposal__organisation=a)),
        "proposal": _first(Proposal.objects.filter(organisation=a, status="submitted"))
        or _first(Proposal.objects.filter(organisation=a)),
        "public_proposal": _first(
            Proposal.objects.filter(organisation=a, published_at__isnull=False)
        ),
        "meeting": _first(Meeting.objects.filter(organisation=a)),
        "speech": _first(Speech.objects.filter(meeting__organisation=a)),
        "sitting": _first(Sitting.objects.filter(meeting__organisation=a)),
        "invitation": invitation,
        "invitation_sitting": _first(Sitting.objects.filter(meeting_id=invitation.meeting_id)),
        "leave": _first(LeaveRequest.objects.filter(meeting__organisation=a)),
        "briefing": _first(Briefing.objects.filter(organisation=a)),
        "committee_report": _first(
            CommitteeReport.objects.filter(organisation__path__startswith=sub)
        ),
        "topic": _first(Topic.objects.filter(organisation=a)),
        "plan": _first(ConsultationPlan.objects.filter(organisation=a)),
        "plan_item": _first(PlanItem.objects.filter(plan__organisation=a)),
        "party_plan": _first(PartyPlan.objects.filter(organisation=a)),
        "activity": _first(Activity.objects.filter(organisation=a)),
        "outcome": _first(Outcome.objects.filter(activity__organisation=a)),
        "issue": _first(Issue.objects.filter(organisation=a)),
        "adoption": _first(Adoption.objects.filter(opinion__organisation=a)),
        "referral": _first(Referral.objects.filter(from_organisation=a)),
        "reported_opinion": _first(
            Opinion.objects.filter(organisation=a, reported_to_party=True, status="reported")
        ),
        "opinion": _first(Opinion.objects.filter(organisation=a, status="submitted"))
        or _first(Opinion.objects.filter(organisation=a)),
        "platform": _first(Platform.objects.filter(organisation__path__startswith=sub)),
        "platform_member": _first(
            PlatformMember.objects.filter(platform__organisation__path__startswith=sub)
        ),
        "platform_session": _first(
            PlatformSession.objects.filter(
                platform__organisation__path__startswith=sub, status="held"
            )
        ),
        "public_platform_session": _first(
            PlatformSession.objects.filter(
                platform__organisation__path__startswith=sub, status="published"
            )
        ),
        "resident_issue": _first(
            ResidentIssue.objects.filter(organisation__path__startswith=sub, status="submitted")
        ),
        "public_resident_issue": _first(
            public_answers().filter(organisation__path__startswith=sub)
        ),
        "nomination_round": _first(NominationRound.objects.filter(organisation=a)),
        "nomination_candidate": _first(
            Candidate.objects.filter(round__organisation=a, status="nominated")
        ),
    }
    for key, attr in [
        ("proposal", "title"),
        ("meeting", "title"),
        ("topic", "title"),
        ("opinion", "title"),
        ("task", "title"),
        ("member", "name"),
        ("activity", "title"),
        ("briefing", "title"),
        ("platform", "name"),
        ("platform_session", "title"),
        ("resident_issue", "title"),
    ]:
        if found[key] is not None:
            _mark(found[key], attr, MARK_A)
    found["proposal_attachment"] = _proposal_attachment(found["proposal"])
    found["file"] = _a_file(a)
    found["import_job"] = _import_job(a, User.objects.get(username="office"))
    found["job"] = _export_job(a, User.objects.get(username="office"))
    found.update(_budget_objects(a, User.objects.get(username="office"), MARK_A))
    return found


def _proposal_attachment(proposal):
    """A row naming a file of the side's proposal (nothing on disk: removing it, or asking
    for it, exercises the checks all the same)."""
    from xieshang.proposals.models import Attachment

    if proposal is None:
        return None
    return Attachment.objects.create(
        proposal=proposal, file="proposals/matrix/none.pdf", original_name="材料.pdf"
    )


def _a_file(a) -> tuple | None:
    from xieshang.core import files

    for label, reg in sorted(files.REGISTRY.items()):
        for name in reg.fields:
            row = reg.model._default_manager.exclude(**{name: ""}).order_by("pk").first()
            if row is not None:
                return (label, row.pk, name)
    # No stored file in the demo: a row id that names nothing still exercises the view.
    label, reg = next(iter(sorted(files.REGISTRY.items())), (None, None))
    return None if reg is None else (label, 1, next(iter(reg.fields)))


def _import_job(org, actor):
    """A finished (failed) member import of `org`: the job page only reads the row."""
    from xieshang.core.jobs import Job
    from xieshang.orgs.models import Term

    return Job.objects.create(
        kind="members.import",
        organisation=org,
        owner=actor,
        params={"term": _pk(_first(Term.objects.filter(organisation=org)))},
        source_name="委员名单.xlsx",
        status="failed",
    )


def _export_job(org, actor):
    """A finished export of `org`: only `actor` may see it (its file is not stored, so the
    download answers 404 even to the owner; tests/core/test_jobs.py downloads real ones)."""
    from xieshang.core.jobs import Job

    return Job.objects.create(
        kind="members.export",
        organisation=org,
        owner=actor,
        status="done",
        total=1,
        done=1,
        result="jobs/out/none.xlsx",
        result_name="委员名单.xlsx",
    )


def _budget_objects(org, office, mark: str) -> dict:
    """A budget line of `org` (the demo's, or one made here) and its first spending entry."""
    from xieshang.budgets import services as budgets
    from xieshang.budgets.models import BudgetLine, SpendingEntry

    line = _first(BudgetLine.objects.filter(organisation=org))
    if line is None:
        line = budgets.line_create(
            organisation=org,
            actor=office,
            year=timezone.localdate().year,
            category="other",
            item="委员履职经费",
            planned=1000,
        )
        budgets.spending_add(
            line=line, actor=office, date=timezone.localdate(), amount=100, purpose="资料印制"
        )
    _mark(line, "item", mark)
    return {"budget_line": line, "spending_entry": _first(SpendingEntry.objects.filter(line=line))}


def _b_world(b) -> tuple[dict, dict]:
    """Three accounts of district B (office, member, department clerk) and one marked object
    of each main kind, made through the product's services."""
    from tests.factories import UserFactory, user_with_role
    from xieshang.consultation import services as consultation
    from xieshang.core.models import ApiToken
    from xieshang.followups import services as followups
    from xieshang.meetings import services as meetings
    from xieshang.meetings.models import Meeting
    from xieshang.members.models import Member, Membership
    from xieshang.opinions import services as opinions
    from xieshang.orgs.models import Department, Organisation, Role, RoleAssignment
    from xieshang.platforms import services as platforms
    from xieshang.proposals import services as proposals
    from xieshang.residents import services as residents

    department = _first(Department.objects.filter(organisation=b))
    office = user_with_role(Role.OFFICE, b, username="b_office", full_name=f"{MARK_B}办公室")
    clerk = user_with_role(
        Role.DEPARTMENT, b, department=department, username="b_dept", full_name=f"{MARK_B}经办"
    )
    spare = user_with_role(
        Role.DEPARTMENT, b, department=department, username="b_spare", full_name=f"{MARK_B}备用"
    )
    member = _first(
        Member.objects.filter(
            organisation=b, user__isnull=True, memberships__status=Membership.Status.ACTIVE
        )
    )
    member_user = UserFactory(username="b_member", full_name=member.name)
    RoleAssignment.objects.create(user=member_user, organisation=b, role=Role.MEMBER)
    member.user = member_user
    member.save(update_fields=["user"])

    now = timezone.now()
    proposal = proposals.proposal_create(
        actor=member_user,
        organisation=b,
        title=f"{MARK_B}关于社区养老的提案",
        facts="社区养老服务设施不足。",
        suggestions="建设社区养老服务中心。",
    )
    opinion = opinions.opinion_create(
        organisation=b,
        actor=member_user,
        title=f"{MARK_B}群众反映的停车问题",
        suggestions="增加停车位。",
    )
    opinions.opinion_submit(opinion=opinion, actor=member_user)
    # Reported to B's Party committee and government (报送本机关): on no list of A's offices.
    reported_opinion = opinions.opinion_create(
        organisation=b,
        actor=member_user,
        title=f"{MARK_B}报送党委政府的信息",
        suggestions="完善养老服务。",
    )
    opinions.opinion_submit(opinion=reported_opinion, actor=member_user)
    opinions.opinion_accept(opinion=reported_opinion, actor=office)
    opinions.issue_publish(organisation=b, opinions=[reported_opinion], actor=office)
    opinions.opinion_report(
        opinion=reported_opinion, actor=office, upward=False, party=True, government=True
    )
    topic = consultation.topic_create(
        organisation=b,
        actor=office,
        title=f"{MARK_B}协商议题",
        source="office",
        proposer_name="办公室",
    )
    meeting = meetings.meeting_create(
        organisation=b,
        actor=office,
        kind="symposium",
        title=f"{MARK_B}协商座谈会",
        start=now + dt.timedelta(days=10),
        end=now + dt.timedelta(days=10, hours=2),
        location="会议室",
    )
    task = followups.task_open(
        organisation=b,
        title=f"{MARK_B}督办事项",
        actor=office,
        department=department,
        working_days=10,
    )
    plan = consultation.plan_create(
        organisation=b, year=timezone.localdate().year + 1, actor=office, title=f"{MARK_B}计划"
    )
    platform = platforms.platform_create(
        organisation=_first(Organisation.objects.filter(parent=b, level="street")),
        actor=office,
        name=f"{MARK_B}协商议事室",
        convener_name="召集人",
        status="running",
        on=timezone.localdate() - dt.timedelta(days=30),
    )
    platform_member = platforms.platform_assign(platform=platform, actor=office, member=member)
    platform_session = platforms.session_plan(
        platform=platform,
        actor=office,
        title=f"{MARK_B}议事会",
        starts_at=now - dt.timedelta(days=1),
    )
    resident_issue, _code = residents.issue_submit_public(
        organisation=platform.organisation,
        title=f"{MARK_B}小区路灯不亮",
        description="北门路灯坏了。",
        phone="13900001111",
    )
    public_issue, _code = residents.issue_submit_public(
        organisation=platform.organisation,
        title=f"{MARK_B}楼道堆物",
        description="楼道堆满杂物。",
    )
    residents.issue_close(issue=public_issue, actor=office, reply="已清理。")
    found = {
        "user": spare,
        "api_token": ApiToken.issue(user=office, name="矩阵对象")[0],
        "role_assignment": _first(RoleAssignment.objects.filter(user=spare)),
        "member": member,
        "membership": _first(Membership.objects.filter(member=member)),
        "proposal": proposal,
        "opinion": opinion,
        "reported_opinion": reported_opinion,
        "topic": topic,
        "meeting": meeting,
        "sitting": _first(meeting.sittings.all()),
        "task": task,
        "plan": plan,
        "platform": platform,
        "platform_member": platform_member,
        "platform_session": platform_session,
        "resident_issue": resident_issue,
        "public_resident_issue": public_issue,
        "import_job": _import_job(b, office),
        "job": _export_job(b, office),
    }
    found.update(_budget_objects(b, office, MARK_B))
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    users = {"b_office": office, "b_member": member_user, "b_dept": clerk}
    return users, found


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    from xieshang.core.models import ApiToken, User
    from xieshang.demo.data import DISTRICT_NAME
    from xieshang.meetings import services as meeting_services
    from xieshang.meetings.views_attendance import feed_token
    from xieshang.orgs.models import Level, Organisation
    from xieshang.portal.models import ScreeningTerm

    started = time.monotonic()
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo_data("city", SEED)
        a = Organisation.objects.get(name=DISTRICT_NAME, level=Level.DISTRICT)
        b = _first(
            Organisation.objects.filter(level=Level.DISTRICT, parent=a.parent).exclude(pk=a.pk)
        )
        users = {"anonymous": None}
        users.update({u: User.objects.get(username=u) for u, _label in accounts()})
        b_users, b_objects = _b_world(b)
        users.update(b_users)
        w = World(a=a, b=b, users=users)
        w.objects = {"A": _a_objects(a), "B": b_objects}
        for side, org in (("A", a), ("B", b)):
            w.objects[side]["screening_term"] = ScreeningTerm.objects.create(
                organisation=org, term=f"矩阵词{side}", category="other", severity="suspicious"
            )
        w.tokens = {
            side: {
                "signin": meeting_services.signin_token(w.objects[side]["sitting"]),
                "feed": feed_token(users["member" if side == "A" else "b_member"]),
                "ticket": "NOSUCHTICKET",
            }
            for side in ("A", "B")
        }
        for name, user in users.items():
            if user is not None:
                w.api_tokens[name] = ApiToken.issue(user=user, name="matrix")[1]
        check_foreign_keys_now()
        w.seconds = time.monotonic() - started
        yield w
        transaction.set_rollback(True)


def test_every_url_kwarg_is_mapped():
    """A new URL pattern with a path parameter must say, in `OBJECTS`, which object fills it;
    until then the matrix cannot test it, and this fails."""
    missing = [
        f"{p.name or '(unnamed)'} {p.route}: {sorted(set(p.kwargs) - set(OBJECTS.get(p.name, {})))}"
        for p in patterns()
        if p.kwargs and not set(p.kwargs) <= set(OBJECTS.get(p.name, {}))
    ]
    assert missing == [], "add these URL kwargs to OBJECTS:\n" + "\n".join(missing)


# --- the requests ------------------------------------------------------------------------------
A_ACCOUNTS = [u for u, _label in accounts()]
B_ACCOUNTS = ["b_office", "b_member", "b_dept"]
PRINCIPALS = ["anonymous", *A_ACCOUNTS, *B_ACCOUNTS]
# Answers that refuse: the request did nothing and showed nothing.
REFUSED = {400, 401, 403, 404, 405, 422}


def side_of(principal: str) -> str | None:
    if principal.startswith("b_"):
        return "B"
    if principal in ("anonymous", "city_office", "province_office"):
        # Anonymous has its own rule; the city and province offices may see both districts.
        return None
    return "A"


def other(side: str) -> str:
    return "B" if side == "A" else "A"


@dataclass
class Outcome:
    failures: list[str] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0

    def fail(self, message: str) -> None:
        self.failures.append(message)


class Recorder:
    """Keeps the last exception a view raised, so a 500 in the report says why."""

    def __init__(self):
        self.last = ""

    def __call__(self, sender, request=None, **kwargs):
        import sys

        exc = sys.exc_info()[1]
        self.last = f"{type(exc).__name__}: {exc}"[:300]


def client_for(w: World, principal: str) -> Client:
    user = w.users[principal]
    headers = {}
    if user is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {w.api_tokens[principal]}"
    client = Client(raise_request_exception=False, **headers)
    if user is not None:
        client.force_login(user)
    return client


def to_login(response) -> bool:
    return response.status_code == 302 and "/accounts/login/" in response.get("Location", "")


def targets(w: World, pattern: Pattern) -> list[tuple[str | None, str]]:
    """(side of the objects or None, url) for every way to fill the pattern."""
    spec = OBJECTS.get(pattern.name, {})
    if all(getattr(spec[k], "neutral", False) for k in pattern.kwargs):
        query = QUERIES.get(pattern.name, "")
        return [(None, pattern.url(values) + query) for values in w.values(pattern, "A")]
    out = []
    for side in ("A", "B"):
        for values in w.values(pattern, side) or []:
            out.append((side, pattern.url(values)))
    return out


def is_api(pattern: Pattern) -> bool:
    return pattern.name.startswith("api:")


def check_get(w: World, principal: str, client: Client, recorder: Recorder, out: Outcome):
    own = side_of(principal)
    for pattern in patterns():
        for obj_side, url in targets(w, pattern):
            if url in w.post_only:
                continue  # answered 405 to GET before: the decorator, not the role, decides
            recorder.last = ""
            response = client.get(url)
            if response.status_code == 405:
                w.post_only.add(url)
            out.requests += 1
            code = response.status_code
            where = f"GET {url} ({pattern.name}) as {principal}: {code}"
            if code >= 500:
                out.fail(f"{where} {recorder.last}")
                continue
            if principal == "anonymous":
                if pattern.name not in PUBLIC and not is_api(pattern):
                    if code not in REFUSED and not to_login(response):
                        out.fail(f"{where}: a page open to anonymous visitors")
                elif is_api(pattern) and code not in REFUSED:
                    out.fail(f"{where}: the API answers without a token")
                continue
            if (
                own is not None
                and obj_side == other(own)
                and pattern.name not in CAPABILITY
                and code not in REFUSED
                and not to_login(response)
            ):
                out.fail(f"{where}: another district's object")
            if (
                own is not None
                and code == 200
                and obj_side is None
                and pattern.name not in PUBLIC_LISTS
                and "text/html" in response.get("Content-Type", "")
            ):
                foreign = MARK_B if own == "A" else MARK_A
                if foreign in response.content.decode():
                    out.fail(f"{where}: the list shows another district's row ({foreign})")


@pytest.mark.django_db
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_get_matrix(world, principal):
    recorder = Recorder()
    got_request_exception.connect(recorder)
    try:
        out = Outcome()
        started = time.monotonic()
        check_get(world, principal, client_for(world, principal), recorder, out)
        out.seconds = time.monotonic() - started
    finally:
        got_request_exception.disconnect(recorder)
    assert out.failures == [], "\n".join(out.failures)


# --- POST: nothing changes for who may not act ---------------------------------------------------
# Audit verbs written by reading, not by changing anything.
READ_VERBS = ("pii.", "auth.")


def _last_event_id() -> int:
    from xieshang.core.models import Event

    return Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _changes_since(last: int) -> list[str]:
    from xieshang.core.models import Event

    rows = Event.objects.filter(pk__gt=last)
    for prefix in READ_VERBS:
        rows = rows.exclude(verb__startswith=prefix)
    return list(rows.values_list("verb", flat=True)[:5])


def _primary(w: World, pattern: Pattern, side: str | None):
    """The object the URL acts on (the first kwarg's), or None."""
    if side is None or not pattern.kwargs:
        return None
    key = getattr(OBJECTS[pattern.name][pattern.kwargs[0]], "key", None)
    found = w.objects[side].get(key) if key else None
    return found if hasattr(found, "pk") else None


def _snapshot(instance) -> dict | None:
    if instance is None:
        return None
    names = [f for f in ("status", "version", "is_active") if hasattr(instance, f)]
    if not names:
        return None
    return type(instance)._default_manager.filter(pk=instance.pk).values(*names).first()


def refused(response) -> bool:
    from django.contrib.messages import constants, get_messages

    if response.status_code in REFUSED or to_login(response):
        return True
    if response.status_code == 302 and hasattr(response, "wsgi_request"):
        return any(m.level == constants.ERROR for m in get_messages(response.wsgi_request))
    return False


FILE_TYPES = ("application/pdf", "application/vnd.openxmlformats", "text/csv", "text/calendar")


def is_file(response) -> bool:
    """A PDF, a workbook or any attachment: a download address answers GET (and HEAD) only,
    so a stray or forged POST neither renders a file nor starts an export job."""
    kind = response.get("Content-Type", "")
    return kind.startswith(FILE_TYPES) or "attachment" in response.get("Content-Disposition", "")


def check_post(w: World, principal: str, client: Client, recorder: Recorder, out: Outcome):
    own = side_of(principal)
    for pattern in patterns():
        for obj_side, url in targets(w, pattern):
            if principal != "anonymous" and url in w.get_only:
                continue
            instance = _primary(w, pattern, obj_side)
            before, last = _snapshot(instance), _last_event_id()
            recorder.last = ""
            # Only this request's messages say whether it was refused: the redirects are never
            # followed, so earlier requests' messages wait in the cookie.
            client.cookies.pop("messages", None)
            with transaction.atomic():
                response = client.post(url)
                code = response.status_code
                if code == 405 and principal != "anonymous":
                    w.get_only.add(url)
                out.requests += 1
                where = f"POST {url} ({pattern.name}) as {principal}: {code}"
                foreign = (
                    own is not None and obj_side == other(own) and pattern.name not in CAPABILITY
                )
                if code >= 500:
                    out.fail(f"{where} {recorder.last}")
                elif is_file(response):
                    out.fail(f"{where}: a download address made its file for a POST")
                elif foreign and code not in REFUSED and not to_login(response):
                    out.fail(f"{where}: another district's object")
                if principal == "anonymous" or foreign or refused(response):
                    changed = _changes_since(last)
                    after = _snapshot(instance)
                    if changed or after != before:
                        out.fail(f"{where}: refused, yet changed {changed} {before} -> {after}")
                transaction.set_rollback(True)


# Who posts to every pattern: everyone outside the demo district, and the demo roles whose
# rights differ most. The others are covered by the GET matrix and their own app tests.
POSTERS = ["anonymous", *B_ACCOUNTS, "member", "dept", "office", "secadmin"]


@pytest.mark.django_db
@pytest.mark.parametrize("principal", POSTERS)
def test_post_matrix(world, principal):
    recorder = Recorder()
    got_request_exception.connect(recorder)
    try:
        out = Outcome()
        started = time.monotonic()
        check_post(world, principal, client_for(world, principal), recorder, out)
        out.seconds = time.monotonic() - started
    finally:
        got_request_exception.disconnect(recorder)
    assert out.failures == [], "\n".join(out.failures)


@pytest.mark.django_db
def test_a_handling_unit_sees_its_own_figures_and_no_other_units(world):
    """/proposals/figures/ and its export, for the handling unit's clerk and leader (403
    before): their own unit's row (proposals.figures.unit_figures) and no other unit's, of
    which the organisation's figures have several this year."""
    import io

    from django.utils import timezone
    from openpyxl import load_workbook

    from xieshang.core.access import department_ids
    from xieshang.orgs.models import Department
    from xieshang.proposals import figures

    year = timezone.localdate().year
    for principal in ("dept", "dept_leader"):
        mine = Department.objects.filter(pk__in=department_ids(world.users[principal]))
        own = set(mine.values_list("name", flat=True))
        everyone = figures.figures(mine.first().organisation, year).departments
        others = {r.name for r in everyone} - own
        assert others, "the control: other units have figures this year"
        client = client_for(world, principal)
        response = client.get("/proposals/figures/")
        assert response.status_code == 200, principal
        rows = response.content.decode().split('id="department-figures"', 1)[1]
        rows = rows.split("</table>", 1)[0]
        assert all(name in rows for name in own), principal
        assert not [name for name in others if name in rows], principal
        response = client.get("/proposals/figures/export.xlsx")
        assert response.status_code == 200, principal
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} == own


@pytest.mark.django_db
def test_the_matrix_can_see_a_leak(world):
    """Controls: each district opens its own marked objects and sees its own marker in its
    lists, so the 404s and the absent markers above mean something."""
    own = {
        "office": ["meetings:detail", "consultation:topic", "followups:detail", "members:detail"],
        "b_office": ["meetings:detail", "consultation:topic", "followups:detail", "members:detail"],
        "b_member": ["proposals:detail", "opinions:detail"],
    }
    by_name = {p.name: p for p in patterns()}
    for principal, names in own.items():
        client = client_for(world, principal)
        side = side_of(principal)
        for name in names:
            url = by_name[name].url(world.values(by_name[name], side)[0])
            assert client.get(url).status_code == 200, (principal, url)
    assert MARK_B in client_for(world, "b_office").get("/meetings/").content.decode()
    assert MARK_B in client_for(world, "b_member").get("/proposals/mine/").content.decode()
    assert MARK_B in client_for(world, "b_office").get("/search/?q=区标记").content.decode()


@pytest.mark.django_db
def test_my_profile_shows_each_member_their_own_record_and_staff_none(world):
    """我的信息 (members:me) has no object in its address: whose record it shows comes from
    the login alone. Each member sees their own (contact data in the form), staff have none."""
    from xieshang.members.models import Member

    for principal in ("member", "b_member"):
        own = Member.objects.get(user=world.users[principal])
        response = client_for(world, principal).get("/members/me/")
        html = response.content.decode()
        assert response.status_code == 200, principal
        assert own.name in html and own.organisation.name in html, principal
        assert 'name="phone"' in html and f'value="{own.phone}"' in html, principal
    for principal in ("office", "b_office", "b_dept", "secadmin"):
        assert client_for(world, principal).get("/members/me/").status_code == 404, principal


@pytest.mark.django_db
def test_the_city_profile_has_ten_districts_around_the_demo_district(world):
    """`seed_demo --profile city`, which the matrix runs on: ten districts under the city,
    every node built through organisation_create (tree path set), city and district members."""
    from xieshang.members.models import Member
    from xieshang.orgs.models import Level, Organisation

    city = Organisation.objects.get(name="示范市政协")
    districts = Organisation.objects.filter(parent=city, level=Level.DISTRICT)
    assert districts.count() == 10
    assert districts.filter(name="示范区政协").exists()
    assert not Organisation.objects.filter(path="").exists()
    assert Organisation.objects.filter(path__startswith=city.path).count() > 60
    assert Member.objects.filter(organisation=city).count() >= 600
    assert Member.objects.filter(organisation__in=districts).count() >= 1800


@pytest.mark.django_db
@pytest.mark.clause("C2.9")
def test_the_city_profile_sends_a_notice_down_read_by_the_demo_district_only(world):
    """Down the tree in the city profile: the city's notice went to its ten districts; the
    demo district's office read it and passed it on, the others have not read it yet."""
    from xieshang.meetings.models import Briefing

    notice = Briefing.objects.get(organisation__name="示范市政协", kind=Briefing.Kind.NOTICE)
    receipts = list(notice.node_receipts.select_related("organisation"))
    assert len(receipts) == 10
    read = [r.organisation.name for r in receipts if r.read_at]
    assert read == ["示范区政协"]
    assert notice.receipts.exists()  # the demo district's members have it


@pytest.mark.django_db
def test_only_the_security_administrator_reaches_the_paused_addresses(world):
    """三员分立: the login guard's paused addresses (and their lift) are the security
    administrator's; the system administrator, the auditor and everyone else are refused."""
    from django.urls import reverse

    url = reverse("paused_addresses")
    for principal in PRINCIPALS:
        response = client_for(world, principal).get(url)
        if principal == "secadmin":
            assert response.status_code == 200, principal
        else:
            assert response.status_code in REFUSED or to_login(response), principal
