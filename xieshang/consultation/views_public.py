"""The public topic form on the portal (社会征题): no login, rate-limited per address, and
moderated before staff see it as a topic. A rejected submission keeps what was typed."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import services
from .forms import PublicTopicForm
from .models import Topic


def _client_ip(request) -> str:
    # Behind the office's reverse proxy REMOTE_ADDR is the proxy; the proxy is trusted to
    # put the client first in X-Forwarded-For only when BEHIND_TLS_PROXY is set up so.
    return request.META.get("REMOTE_ADDR", "")


@require_http_methods(["GET", "POST"])
def submit(request):
    form = PublicTopicForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                topic = services.topic_public_submit(
                    organisation=data["organisation"],
                    title=data["title"],
                    description=data["description"],
                    name=data["name"],
                    phone=data["phone"],
                    ip=_client_ip(request),
                )
            except services.RateLimited as exc:
                error = str(exc)
                return render(
                    request,
                    "consultation/public/submit.html",
                    {"form": form, "error": error},
                    status=429,
                )
            request.session["public_topic_ticket"] = topic.ticket
            return redirect("consultation_public:thanks", ticket=topic.ticket)
        return render(
            request, "consultation/public/submit.html", {"form": form, "error": ""}, status=400
        )
    return render(request, "consultation/public/submit.html", {"form": form, "error": error})


def thanks(request, ticket: str):
    # Only the browser that submitted sees the confirmation; the ticket alone shows nothing.
    if request.session.get("public_topic_ticket") != ticket:
        raise Http404
    if not Topic.objects.filter(ticket=ticket).exists():
        raise Http404(_("编号不存在"))
    return render(request, "consultation/public/thanks.html", {"ticket": ticket})
