"""Serving stored files after checking the viewer's right to the row that holds them.

Core knows no domain model. Each app registers its file-bearing models from its
AppConfig.ready():

    files.register(Feedback, fields={"document": "document_name"}, can_view=policy)

`fields` maps each file field to the field holding the uploader's original file name (used
as the download's filename). `can_view(user, obj)` is the app's own access rule. Links come
from `file_url(obj, field)`; the view answers 404 alike for "no such row", "not a file",
"not yours" and "gone from disk", so a URL reveals nothing.

With `FILE_SERVE_ACCEL = "nginx"` the response only carries `X-Accel-Redirect` and nginx
sends the bytes from an `internal` location mapped onto PRIVATE_MEDIA_ROOT; with "apache"
(mod_xsendfile) or "sendfile" it carries `X-Sendfile`. Otherwise Django streams the file.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from .uploads import content_type_for

# Nothing a downloaded file contains may run in our origin, even if a browser opened it.
FILE_CSP = "default-src 'none'; sandbox"


def _ascii_fallback(filename: str) -> str:
    """A readable ASCII name for old clients: the ASCII words of `filename`, or "export"."""
    stem, dot, suffix = filename.rpartition(".")
    if not dot:
        stem, suffix = filename, ""
    words = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")
    return f"{words or 'export'}.{suffix}" if suffix else words or "export"


def content_disposition(filename: str, *, inline: bool = False, fallback: str = "") -> str:
    """The one Content-Disposition of every file the product sends: the Chinese name for
    browsers that read RFC 6266/5987 `filename*`, and an ASCII `fallback` for the rest."""
    fallback = fallback or _ascii_fallback(filename)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


@dataclass(frozen=True)
class Registration:
    model: type
    fields: dict[str, str]
    can_view: Callable


REGISTRY: dict[str, Registration] = {}


def register(model, *, fields: dict[str, str], can_view: Callable) -> None:
    REGISTRY[model._meta.label_lower] = Registration(model, dict(fields), can_view)


def file_url(obj, field: str) -> str:
    """The checked download link of a file field, or "" when the field is empty."""
    if not getattr(obj, field):
        return ""
    return reverse("file", args=[obj._meta.label_lower, obj.pk, field])


def _download_name(obj, field: str, name_field: str) -> str:
    original = getattr(obj, name_field, "") if name_field else ""
    return original or getattr(obj, field).name.rsplit("/", 1)[-1]


@login_required
@require_safe
def serve(request, label: str, pk: int, field: str):
    return file_response(request.user, label, pk, field)


def file_response(user, label: str, pk: int, field: str) -> HttpResponse:
    """The file to `user` (a login, or an API token's holder), or Http404 alike for "no
    such row", "not a file", "not yours" and "gone from disk"."""
    reg = REGISTRY.get(label)
    if reg is None or field not in reg.fields:
        raise Http404
    obj = reg.model._default_manager.filter(pk=pk).first()
    if obj is None or not reg.can_view(user, obj):
        raise Http404
    stored = getattr(obj, field)
    if not stored or not stored.storage.exists(stored.name):
        raise Http404
    filename = _download_name(obj, field, reg.fields[field])
    content_type = content_type_for(stored.name)
    mode = (getattr(settings, "FILE_SERVE_ACCEL", "") or "").lower()
    if mode == "nginx":
        response = HttpResponse(content_type=content_type)
        prefix = getattr(settings, "FILE_SERVE_ACCEL_PREFIX", "/_private/").rstrip("/")
        response["X-Accel-Redirect"] = f"{prefix}/{quote(stored.name)}"
    elif mode in ("apache", "sendfile"):
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = stored.path
    else:
        response = FileResponse(stored.open("rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    # Shared office computers and proxies keep no copy of a private document.
    response["Cache-Control"] = "private, no-store"
    return response
