"""Documents people print, as PDF laid out like official documents (GB/T 9704-2012).

`render_pdf(template_name, context)` turns any template extending `pdf/official.html` into
PDF bytes with WeasyPrint; answer letters, plans, bulletins and certificates all use it.
Fonts are the free CJK fonts installed on the server (Noto Serif/Sans CJK SC, AR PL UMing):
nothing is fetched from the network while rendering — offices run on an intranet.
"""

import logging
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

STATIC_DIR = Path(settings.BASE_DIR) / "xieshang" / "static"
# WeasyPrint reports every layout step at INFO; that is noise in the server log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _url_fetcher():
    """WeasyPrint fetches images and stylesheets through this: files under our static
    folder and data: URLs only. Anything else (http, other files) is refused, so a
    document can never make the server call out or read outside the app."""
    from urllib.request import url2pathname

    from weasyprint.urls import URLFetcher

    static = STATIC_DIR.resolve()

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
                if not path.is_relative_to(static):
                    raise ValueError(f"blocked: {url}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols={"file", "data"})


def render_pdf(template_name: str, context: dict, *, language: str = "zh-hans") -> bytes:
    """Render a template (normally extending `pdf/official.html`) to PDF bytes.

    Official documents are Chinese whatever language the user browses in, so the template
    is rendered in `language` (its text is still marked for translation, e.g. for an
    English reference copy)."""
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(template_name, context)
    document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=_url_fetcher())
    return document.write_pdf()


def pdf_response(content: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    """An HTTP response for a PDF with a Chinese file name (RFC 6266 `filename*`)."""
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = (
        f"{disposition}; filename=\"document.pdf\"; filename*=UTF-8''{quote(filename)}"
    )
    # Letters carry the proposers' names and the contact person's phone: never cached by
    # shared proxies.
    response["Cache-Control"] = "private, no-store"
    return response
