"""Documents people print, as PDF laid out like official documents (GB/T 9704-2012).

`render_pdf(template_name, context)` turns any template extending `pdf/official.html` into
PDF bytes with WeasyPrint; answer letters, plans, bulletins and certificates all use it.
Fonts: the licensed fonts an office names in `settings.OFFICIAL_FONTS` (仿宋, 小标宋, 黑体,
楷体, 宋体) when the server has them, otherwise the free CJK fonts installed here (Noto
Serif/Sans CJK SC); the PDF's Subject says which fonts stood in for which. Nothing is fetched
from the network while rendering — offices run on an intranet.
"""

import functools
import hashlib
import logging
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from .files import content_disposition
from .text import chinese_date

STATIC_DIR = Path(settings.BASE_DIR) / "xieshang" / "static"
# WeasyPrint reports every layout step at INFO; that is noise in the server log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def official_name(name: str) -> str:
    """The full name GB/T 9704-2012 wants where a document names a body in its 版记 (抄送,
    印发机关): 示范区政协 → 中国人民政治协商会议示范区委员会; other names as they are."""
    if name.endswith("政协") and len(name) > 2:
        return f"中国人民政治协商会议{name.removesuffix('政协')}委员会"
    return name


# --- Fonts ---------------------------------------------------------------------------------

# role → (the style the standard names, the free font that stands in, generic family)
FONT_ROLES = {
    "fangsong": ("仿宋", "Noto Serif CJK SC", "serif"),
    "xiaobiaosong": ("小标宋", "Noto Serif CJK SC", "serif"),
    "heiti": ("黑体", "Noto Sans CJK SC", "sans-serif"),
    "kaiti": ("楷体", "Noto Serif CJK SC", "serif"),
    "songti": ("宋体", "Noto Serif CJK SC", "serif"),
}
FONT_FILE_SUFFIXES = {".ttf", ".otf", ".ttc", ".woff", ".woff2"}
_UNSAFE_IN_CSS = re.compile(r"[\"'\\;{}<>\n\r]")


@functools.cache
def installed_families() -> frozenset[str] | None:
    """The font families fontconfig knows (lower case), or None when fc-list is missing."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        out = subprocess.run(
            [fc_list, ":", "family"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return frozenset(
        name.strip().lower() for line in out.splitlines() for name in line.split(",") if name
    )


def _installed(family: str) -> bool:
    families = installed_families()
    return families is None or family.lower() in families


@dataclass(frozen=True)
class FontChoice:
    role: str
    style: str  # 仿宋
    stack: str  # the CSS font-family value
    face: str  # an @font-face rule when the font is a file, else ""
    used: str  # the font the PDF is set in
    substitute: bool  # True when a free font stands in for the licensed one
    file: Path | None = None


def _choose(role: str, configured: str) -> FontChoice:
    style, free, generic = FONT_ROLES[role]
    configured = (configured or "").strip()
    fallback = f'"{free}", "Noto Serif CJK SC", "Source Han Serif SC", {generic}'
    if configured and not _UNSAFE_IN_CSS.search(configured):
        path = Path(configured)
        if path.suffix.lower() in FONT_FILE_SUFFIXES:
            if path.is_file():
                alias = f"xs-{role}"
                url = path.resolve().as_uri()
                face = f'@font-face {{ font-family: "{alias}"; src: url("{url}"); }}'
                return FontChoice(
                    role, style, f'"{alias}", {fallback}', face, path.stem, False, path.resolve()
                )
        elif _installed(configured):
            return FontChoice(role, style, f'"{configured}", {fallback}', "", configured, False)
    used = free if _installed(free) else generic
    return FontChoice(role, style, fallback, "", used, True)


def official_fonts() -> dict[str, FontChoice]:
    """role → the font official documents are set in, from settings.OFFICIAL_FONTS."""
    configured = getattr(settings, "OFFICIAL_FONTS", {}) or {}
    return {role: _choose(role, configured.get(role, "")) for role in FONT_ROLES}


def fonts_note(fonts: dict[str, FontChoice]) -> str:
    """字体：仿宋 FangSong_GB2312；小标宋 Noto Serif CJK SC（替代）… — for the PDF's Subject."""
    parts = []
    for choice in fonts.values():
        if choice.substitute:
            parts.append(f"{choice.used}（替代{choice.style}）")
        else:
            parts.append(f"{choice.style} {choice.used}")
    return "字体：" + "；".join(parts)


def _url_fetcher(font_files=()):
    """WeasyPrint fetches images and stylesheets through this: files under our static
    folder, the font files named in settings.OFFICIAL_FONTS and data: URLs only. Anything
    else (http, other files) is refused, so a document can never make the server call out
    or read outside the app."""
    from urllib.request import url2pathname

    from weasyprint.urls import URLFetcher

    static = STATIC_DIR.resolve()
    fonts = {Path(f).resolve() for f in font_files}

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
                if not path.is_relative_to(static) and path not in fonts:
                    raise ValueError(f"blocked: {url}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols={"file", "data"})


def heading(issuer: str, title: str, on, *, masthead: str | None = None, suffix=None) -> dict:
    """The parts of `pdf/official.html` every official document fills the same way: the
    版头 (`masthead`, the issuing body unless another is named, and its `suffix` such as
    "文件"; the template's own default when None), the title, and the 落款 (issuer and the
    date in Chinese numerals)."""
    parts = {
        "masthead": issuer if masthead is None else masthead,
        "doc_title": title,
        "issuer": issuer,
        "issue_date": chinese_date(on),
    }
    if suffix is not None:
        parts["masthead_suffix"] = suffix
    return parts


def render_pdf(template_name: str, context: dict, *, language: str = "zh-hans") -> bytes:
    """Render a template (normally extending `pdf/official.html`) to PDF bytes.

    Official documents are Chinese whatever language the user browses in, so the template
    is rendered in `language` (its text is still marked for translation, e.g. for an
    English reference copy). The fonts (`official_fonts`) reach the template as `pdf_fonts`
    (role → CSS font-family), `pdf_font_faces` and `pdf_fonts_note` (the PDF's Subject)."""
    from weasyprint import HTML

    fonts = official_fonts()
    context = {
        **context,
        "pdf_fonts": {role: choice.stack for role, choice in fonts.items()},
        "pdf_font_faces": "\n".join(c.face for c in fonts.values() if c.face),
        "pdf_fonts_note": fonts_note(fonts),
        # A real 小标宋 is heavy already; the free serif stands in in its bold weight.
        "pdf_title_weight": "bold" if fonts["xiaobiaosong"].substitute else "normal",
    }
    with translation.override(language):
        html = render_to_string(template_name, context)
    font_files = [c.file for c in fonts.values() if c.file]
    key = _document_key(html, font_files)
    cached = caches["documents"].get(key)
    if cached is not None:
        return cached
    fetcher = _url_fetcher(font_files)
    document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=fetcher)
    content = document.write_pdf()
    caches["documents"].set(key, content)
    return content


def _document_key(html: str, font_files) -> str:
    """What a rendered document is made of: its HTML (which holds everything the template
    was given, the date included), the font files it embeds as they are on disk now, and
    WeasyPrint's version. The same key is the same PDF, whoever asks and whenever.

    Laying out a document takes seconds (an attendance register of 200 members over 8
    pages: 2.6 s here), and the same one is asked for again: opened, then downloaded;
    by the office's several clerks. The cache ("documents", settings.CACHES) is each
    process's memory, never disk, as documents carry names and phone numbers."""
    import weasyprint

    digest = hashlib.sha256(html.encode())
    digest.update(weasyprint.__version__.encode())
    for path in sorted(str(f) for f in font_files):
        try:
            stat = Path(path).stat()
        except OSError:
            continue
        digest.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    return "pdf:" + digest.hexdigest()


def pdf_response(content: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    """An HTTP response for a PDF with a Chinese file name (RFC 6266 `filename*`)."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        filename, inline=inline, fallback="document.pdf"
    )
    # Letters carry the proposers' names and the contact person's phone: never cached by
    # shared proxies.
    response["Cache-Control"] = "private, no-store"
    return response
