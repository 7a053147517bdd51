"""The 400 page: says what was wrong with the request.

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
