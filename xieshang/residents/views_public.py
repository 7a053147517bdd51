"""The public side (no login, phone first): raise an issue, get a ticket and a check code,
follow it by ticket + code and rate the answer once.

Screened by `portal.screening` before any person sees it, rate-limited per client by
`portal.ratelimit`; every refusal is in our own words. The thanks page shows the code only
in the browser that submitted (session), and the lookup answers a wrong code exactly as an
unknown ticket.

The published answers (`answers`, `answer`) show what was asked and answered, never who
asked: the resident's name and phone are removed from every text with the other contact
details (`strip_contacts`), other people's names (`strip_names`) and house and flat
numbers (`strip_houses`) too, and an exact address is not shown.
"""

import datetime as dt
import re

from django.core.exceptions import BadRequest, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from xieshang.core.params import id_param, paginate
from xieshang.core.pii import mask_numbers
from xieshang.orgs.models import Level, Organisation
from xieshang.portal import ratelimit, resend, screening, tickets
from xieshang.portal.scrub import strip_contacts, strip_houses, strip_ids, strip_names

from . import selectors, services
from .forms import PublicIssueForm, RateForm
from .models import ResidentIssue

SUBMITS_PER_HOUR = 5
THANKS_KEY = "resident_issue_thanks"
SENT_KEY = "resident_issue_sent"  # this browser's last sends (portal.resend)
LOOKUP_KEY = "resident_issue_lookup"
# How long a looked-up issue stays on the lookup page for this browser (to read it and rate
# the answer): a community computer or a borrowed phone shows the next person an empty form.
LOOKUP_REMEMBERED = dt.timedelta(minutes=15)
LOOKUP_URL = "residents_public:lookup"
tickets.register_lookup(services.TICKET_PREFIX, LOOKUP_URL)


@require_http_methods(["GET", "POST"])
def submit(request):
    if request.method == "GET":
        form = PublicIssueForm(initial={"once": resend.new_mark()})
        return render(request, "residents/public/submit.html", {"form": form, "error": ""})
    form = PublicIssueForm(request.POST)
    if not form.is_valid():
        return render(
            request, "residents/public/submit.html", {"form": form, "error": ""}, status=400
        )
    once = form.cleaned_data["once"]
    words = _fingerprint(form.cleaned_data)
    earlier = resend.earlier(request, SENT_KEY, once=once, words=words)
    if earlier is not None:
        # This form was sent already, or the same words were from this browser a moment
        # ago: the resident gets the same ticket again instead of a second issue.
        request.session[THANKS_KEY] = {"ticket": earlier["ticket"], "code": earlier["code"]}
        return redirect("residents_public:thanks")
    ip = ratelimit.client_ip(request)
    if not ratelimit.allow(f"resident_issue:{ip}", SUBMITS_PER_HOUR, dt.timedelta(hours=1)):
        error = _("您提交得太频繁了，请一小时后再试。您填写的内容已保留。")
        return render(
            request, "residents/public/submit.html", {"form": form, "error": error}, status=429
        )
    data = form.cleaned_data
    verdict = screening.screen(
        organisation=data["organisation"],
        texts=[data["title"], data["description"], data["location"], data["resident_name"]],
        contact=data["phone"],
        client=ip,
    )
    try:
        issue, code = services.issue_submit_public(
            organisation=data["organisation"],
            title=data["title"],
            description=data["description"],
            location=data["location"],
            resident_name=data["resident_name"],
            phone=data["phone"],
            verdict=verdict,
        )
    except ValidationError as exc:
        from xieshang.core.forms import add_service_errors

        add_service_errors(form, exc)
        return render(
            request, "residents/public/submit.html", {"form": form, "error": ""}, status=400
        )
    # Only this browser sees the code, and only on the thanks page.
    request.session[THANKS_KEY] = {"ticket": issue.ticket, "code": code}
    # 查询办理进展 on the thanks page opens this issue without typing the two again (for as
    # long as a looked-up issue stays on the lookup page).
    request.session[LOOKUP_KEY] = {"pk": issue.pk, "at": timezone.now().timestamp()}
    resend.remember(
        request, SENT_KEY, once=once, words=words, receipt={"ticket": issue.ticket, "code": code}
    )
    return redirect("residents_public:thanks")


def _fingerprint(data: dict) -> str:
    """The matter a form raises: the place and the words, blanks aside."""
    return resend.fingerprint(data["organisation"].pk, data["title"], data["description"])


@never_cache
def thanks(request):
    shown = request.session.get(THANKS_KEY)
    if not shown:
        # The page bookmarked, or opened again on another phone or after the session
        # ended: the ticket and code are shown only where they were sent, so the way to
        # follow the issue, not a "page does not exist" that reads as a lost submission.
        return redirect("residents_public:lookup")
    return render(request, "residents/public/thanks.html", shown)


def _issue_in_session(request) -> ResidentIssue | None:
    kept = request.session.get(LOOKUP_KEY)
    if not isinstance(kept, dict) or not kept.get("pk"):
        return None
    if timezone.now().timestamp() - kept.get("at", 0) > LOOKUP_REMEMBERED.total_seconds():
        request.session.pop(LOOKUP_KEY, None)
        return None
    pk = kept["pk"]
    return (
        ResidentIssue.objects.select_related("organisation", "department", "platform", "task")
        .filter(pk=pk)
        .first()
    )


def _sent_tickets(request) -> list[str]:
    """The tickets this browser was given when it sent the form (the last few)."""
    return [s["ticket"] for s in resend.receipts(request, SENT_KEY) if s.get("ticket")]


def _public_view(request, issue: ResidentIssue, *, rate_form=None, status=200):
    answer = ""
    if issue.answer and issue.status != ResidentIssue.Status.REJECTED:
        answer = strip_contacts(issue.answer, [issue.phone], names=[issue.resident_name])
    rateable = issue.status in services.RATEABLE and not issue.rating
    # While a department handles it, the resident knows by when it must answer (the task's
    # deadline, an approved extension included).
    due = None
    if issue.status == ResidentIssue.Status.ROUTED and issue.task is not None:
        due = issue.task.due_date
    # Past it, the page says so and what happens now (the follow-up engine escalates an
    # overdue task, followups.scan_deadlines) instead of a date gone by without a word.
    overdue = due is not None and due < timezone.localdate()
    return render(
        request,
        "residents/public/issue.html",
        {
            "issue": issue,
            # The resident's own words, the numbers in them masked as staff pages mask them:
            # this page stays open in the browser that looked it up (a family's shared phone).
            "title": mask_numbers(issue.title),
            # 街道 · 社区, as the public answers name the place.
            "place": _place(issue),
            "steps": selectors.public_steps(issue),
            # On a planned session's agenda: when and where, as the public sessions list
            # says, so the resident who raised it can come.
            "session": issue.session
            if issue.status == ResidentIssue.Status.AGENDA and issue.session_id
            else None,
            "answer": answer,
            # The triager's reply to a 不满意 rating, scrubbed as the answer is.
            "review_reply": strip_contacts(
                issue.review_reply, [issue.phone], names=[issue.resident_name]
            )
            if issue.review_reply
            else "",
            # Rated 不满意 and waiting for the triager's decision (any kind of answer).
            "awaiting_review": services.awaiting_review(issue),
            "due": due,
            "overdue": overdue,
            "duplicate_of": selectors.duplicate_of(issue, own_tickets=_sent_tickets(request)),
            # A refused rating (rated from another tab, say) is shown again with its reason
            # and comment, whatever the issue's state now offers.
            "rate_form": rate_form or (RateForm() if rateable else None),
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request):
    if request.method == "GET":
        if request.GET.get("new") == "1":
            request.session.pop(LOOKUP_KEY, None)
        issue = _issue_in_session(request)
        if issue is not None:
            return _public_view(request, issue)
        return render(request, "residents/public/lookup.html", {"form": tickets.LookupForm()})
    form = tickets.LookupForm(request.POST)
    if not form.is_valid():
        return render(request, "residents/public/lookup.html", {"form": form}, status=400)
    elsewhere = tickets.lookup_elsewhere(form.cleaned_data["ticket"], LOOKUP_URL)
    if elsewhere:
        # A topic suggestion's ticket (YT…) typed here: the same post goes on to its lookup.
        return HttpResponseRedirect(reverse(elsewhere), status=307)
    try:
        issue = tickets.find_limited(
            request, form.cleaned_data["ticket"], form.cleaned_data["code"], services.find_by_ticket
        )
    except tickets.LookupRefused as refused:
        context = {"form": form.without_code(), "error": refused.message}
        return render(request, "residents/public/lookup.html", context, status=429)
    if issue is None:
        # The same words for an unknown ticket and a wrong code.
        error = _("没有找到该事项，请核对受理编号和查询码。")
        return render(
            request, "residents/public/lookup.html", {"form": form, "error": error}, status=404
        )
    request.session.cycle_key()
    request.session[LOOKUP_KEY] = {"pk": issue.pk, "at": timezone.now().timestamp()}
    return redirect("residents_public:lookup")


@require_POST
def rate(request):
    issue = _issue_in_session(request)
    if issue is None:
        return redirect("residents_public:lookup")
    form = RateForm(request.POST)
    if not form.is_valid():
        return _public_view(request, issue, rate_form=form, status=400)
    try:
        services.issue_rate(
            issue=issue, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
        )
    except ValidationError as exc:
        from xieshang.core.forms import add_service_errors

        add_service_errors(form, exc)
        return _public_view(request, issue, rate_form=form, status=400)
    return redirect("residents_public:lookup")


# --- published answers -------------------------------------------------------------------------

ANSWERS_PER_PAGE = 20
# A location with a number in it ("幸福路12号", "3栋2单元", "三号楼") may point at one
# household; only a place without one ("东门小区北门", "菜市场门口") is shown.
_HOUSE_NUMBER = re.compile(
    r"[0-9０-９]|[一二三四五六七八九十百千零〇两]\s*(?:号|栋|幢|单元|室|层|楼|弄)"
)


def _place(issue: ResidentIssue) -> str:
    org = issue.organisation
    if org.level == Level.COMMUNITY and org.parent_id:
        return f"{org.parent.name} · {org.name}"
    return org.name


def public_answer(issue: ResidentIssue, *, full: bool = True) -> dict:
    """An answered issue as the portal shows it: scrubbed texts, nothing of the resident."""
    known = [issue.phone]
    # The resident also when called by surname: 王阿姨, 老王 (portal.scrub.strip_called).
    names = [issue.resident_name]

    def scrub(text: str) -> str:
        # A resident's words may name their flat ("3号楼2单元", "住在302") or give an ID
        # number, and name a neighbour ("住户赵德明"), whom the reply may name again.
        # A chat id or a link, in an item the screening marked and a person accepted.
        return strip_houses(strip_names(strip_ids(strip_contacts(text, known, names=names))))

    shown = {
        "pk": issue.pk,
        "title": scrub(issue.title),
        "place": _place(issue),
        "created_at": issue.created_at,
        "answered_at": issue.answered_at,
        "status": issue.get_status_display(),
    }
    if full:
        location = strip_names(strip_contacts(issue.location, known, names=names))
        shown.update(
            description=scrub(issue.description),
            answer=scrub(issue.answer),
            location="" if _HOUSE_NUMBER.search(location) else location,
            department=answered_by(issue),
        )
    return shown


def answered_by(issue: ResidentIssue) -> str:
    """Who wrote the published answer (答复单位): the department it was routed to (its
    answer stands when the issue is closed after a review), the platform whose session
    settled it, or else the street or community that replied itself (答复办结)."""
    if issue.department_id:
        return issue.department.name
    if issue.status == ResidentIssue.Status.SETTLED and issue.platform_id:
        return issue.platform.name
    return issue.organisation.name


def _street_param(request, streets) -> Organisation | None:
    pk = id_param(request, "street", label=_("街道"))
    if pk is None:
        return None
    for street in streets:
        if street.pk == pk:
            return street
    raise BadRequest(_("街道（street）不是有效的选项。"))


def answers(request):
    streets = list(Organisation.objects.filter(level=Level.STREET).order_by("path"))
    street = _street_param(request, streets)
    page = paginate(request, selectors.public_answers(street=street), ANSWERS_PER_PAGE)
    rows = [public_answer(issue, full=False) for issue in page]
    return render(
        request,
        "residents/public/answers.html",
        {"page": page, "rows": rows, "streets": streets, "street": street},
    )


def answer(request, pk: int):
    issue = selectors.public_answers().filter(pk=pk).first()
    # Withheld, unanswered, rejected, screened out or unknown: all the same 404.
    if issue is None:
        raise Http404
    return render(request, "residents/public/answer.html", {"a": public_answer(issue)})
