"""The public topic form on the portal (社会征题): no login, rate-limited per client, screened,
and moderated before staff see it as a topic. A rejected submission keeps what was typed.

The resident gets a ticket and a check code (portal.tickets) and follows the suggestion on
the lookup page with both, from any browser; the thanks page shows the code once, to the
browser that submitted.
"""

from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from xieshang.core.text import chinese_date
from xieshang.portal import ratelimit, resend, tickets

from . import services
from .forms import PublicTopicForm
from .models import Activity, ConsultationPlan, Outcome, Topic

LOOKUP_URL = "consultation_public:lookup"
tickets.register_lookup("YT", LOOKUP_URL)

SESSION_KEY = "public_topic_receipt"
SENT_KEY = "public_topic_sent"  # this browser's last sends (portal.resend)


@require_http_methods(["GET", "POST"])
def submit(request):
    if request.method == "GET":
        form = PublicTopicForm(initial={"once": resend.new_mark()})
        return render(request, "consultation/public/submit.html", {"form": form, "error": ""})
    form = PublicTopicForm(request.POST)
    if not form.is_valid():
        return render(
            request, "consultation/public/submit.html", {"form": form, "error": ""}, status=400
        )
    data = form.cleaned_data
    # Back and submit again (or a double tap): the first ticket again, not a second topic
    # for the staff to review and merge.
    once = data["once"]
    words = resend.fingerprint(data["organisation"].pk, data["title"], data["description"])
    earlier = resend.earlier(request, SENT_KEY, once=once, words=words)
    if earlier is not None:
        request.session[SESSION_KEY] = {"ticket": earlier["ticket"], "code": earlier["code"]}
        return redirect("consultation_public:thanks", ticket=earlier["ticket"])
    try:
        topic = services.topic_public_submit(
            organisation=data["organisation"],
            title=data["title"],
            description=data["description"],
            name=data["name"],
            phone=data["phone"],
            ip=ratelimit.client_ip(request),
        )
    except services.RateLimited as exc:
        return render(
            request,
            "consultation/public/submit.html",
            {"form": form, "error": str(exc)},
            status=429,
        )
    receipt = {"ticket": topic.ticket, "code": topic.check_code}
    request.session[SESSION_KEY] = receipt
    resend.remember(request, SENT_KEY, once=once, words=words, receipt=receipt)
    return redirect("consultation_public:thanks", ticket=topic.ticket)


def thanks(request, ticket: str):
    """The receipt: ticket and check code, in the browser that submitted. Any other browser
    (a shared link, a bookmark on another phone) is sent to the lookup page, which needs
    the code; the ticket in the address shows nothing."""
    receipt = request.session.get(SESSION_KEY) or {}
    if receipt.get("ticket") != ticket:
        return render(request, "consultation/public/thanks_elsewhere.html", {"ticket": ticket})
    return render(
        request,
        "consultation/public/thanks.html",
        {"ticket": ticket, "code": receipt.get("code", "")},
    )


def _public_progress(topic: Topic) -> dict:
    """What the resident may see of their suggestion: the moderation result with its
    reason, and for an accepted one the published plan, the activity held and the outcomes
    decided — titles and dates only. A suggestion marked spam shows its status alone."""
    source = topic.merged_into if topic.status == Topic.Status.MERGED else topic
    steps = []
    outcomes = []
    if source is not None and source.status == Topic.Status.OPEN:
        items = source.plan_items.filter(plan__status=ConsultationPlan.Status.PUBLISHED)
        for item in items.select_related("plan"):
            steps.append(
                _("已列入《%(plan)s》，协商议题：%(title)s")
                % {"plan": item.plan.title, "title": item.title or source.title}
            )
            for activity in item.activities.filter(status=Activity.Status.HELD).order_by("date"):
                steps.append(
                    _("%(date)s 召开协商活动：%(title)s")
                    % {"date": chinese_date(activity.date), "title": activity.title}
                )
                outcomes += list(
                    activity.outcomes.filter(
                        status__in=[
                            Outcome.Status.DECIDED,
                            Outcome.Status.AWAITING_FEEDBACK,
                            Outcome.Status.CLOSED,
                        ]
                    ).order_by("created_at")
                )
    return {
        "topic": topic,
        "show_text": not topic.screen_spam,
        "steps": steps,
        "outcomes": outcomes,
        "merged_title": topic.merged_into.title
        if topic.status == Topic.Status.MERGED and topic.merged_into
        else "",
    }


def _find_topic(ticket: str, code: str) -> Topic | None:
    topics = Topic.objects.filter(source=Topic.Source.PUBLIC).select_related("merged_into")
    return tickets.find(topics, ticket, code)


@require_http_methods(["GET", "POST"])
def lookup(request):
    """Ticket + check code → the suggestion's progress. POST, so the code stays out of
    addresses and logs; a wrong code gets the same answer as an unknown ticket; limited per
    ticket and per client by `tickets.find_limited`, as the residents' issues are."""
    form = tickets.LookupForm(request.POST or None)
    context = {"form": form, "error": "", "result": None}
    status = 200
    if request.method == "POST" and form.is_valid():
        elsewhere = tickets.lookup_elsewhere(form.cleaned_data["ticket"], LOOKUP_URL)
        if elsewhere:
            # A resident's issue (MQ…) typed here: the same post goes on to its lookup.
            return HttpResponseRedirect(reverse(elsewhere), status=307)
        try:
            topic = tickets.find_limited(
                request, form.cleaned_data["ticket"], form.cleaned_data["code"], _find_topic
            )
        except tickets.LookupRefused as refused:
            context.update(form=form.without_code(), error=refused.message)
            status = 429
        else:
            if topic is None:
                context["error"] = _(
                    "未找到相符的记录。请核对受理编号和查询码后重试（查询码不区分大小写）。"
                )
            else:
                context["result"] = _public_progress(topic)
    elif request.method == "POST":
        status = 400
    return render(request, "consultation/public/lookup.html", context, status=status)
