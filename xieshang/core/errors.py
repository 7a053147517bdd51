"""The error pages, in Chinese and in the site's own layout (Django's stock 403 and 404
are bare English pages).

The 400 page says what was wrong with the request.

Django's default handler renders 400.html without the exception, so a person who typed
`year=42103` would not learn why the page refused. Only `BadRequest` messages are shown:
they are written for people (`core.params`, the NUL check). Other 400s — a
`SuspiciousOperation` such as a bad host header — may describe internals, so they get the
generic text.
"""

from django.core.exceptions import BadRequest
from django.shortcuts import render


def bad_request(request, exception=None):
    message = str(exception) if type(exception) is BadRequest else ""
    return render(request, "400.html", {"message": message}, status=400)


def _layout(request) -> str:
    # A resident on the public portal stays in the portal's layout.
    return "portal/base.html" if request.path.startswith("/portal/") else "base.html"


def page_not_found(request, exception=None):
    # The same page for "no such page" and "not yours": scoped look-ups answer 404.
    return render(request, "404.html", {"layout": _layout(request)}, status=404)


def permission_denied(request, exception=None):
    return render(request, "403.html", {"layout": _layout(request)}, status=403)


def csrf_failure(request, reason=""):
    """A form posted from a page that has expired (logged out meanwhile, a page kept open for
    days): say so in words, not Django's English CSRF page."""
    return render(request, "403_csrf.html", {"layout": _layout(request)}, status=403)


def server_error(request, *args, **kwargs):
    """The 500 page, with the request id the user can quote to the office (core.logs); the
    same id is on the error's log line. Rendered without the request's context processors:
    they may need the database, which may be what failed."""
    from django.http import HttpResponseServerError
    from django.template import loader

    from .logs import current_request_id

    request_id = getattr(request, "request_id", "") or current_request_id()
    try:
        body = loader.get_template("500.html").render({"request_id": request_id})
    except Exception:  # noqa: BLE001 - the error page itself must not fail
        body = f"<h1>Server Error (500)</h1><p>{request_id}</p>"
    return HttpResponseServerError(body)
