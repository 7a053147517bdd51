"""Uploaded files: what we accept, decided by content, and where we keep it.

Every upload form uses `core.forms.SafeFileField(policy=...)`, which calls `check_upload`.
A policy names the kinds it accepts and a size limit. A kind is recognised by the file's
bytes (signatures and, for Office and OFD packages, the package's own manifest), and the
file's extension must be one of that kind's extensions: a browser, a mail client or a
colleague's desktop decides what to do with a file by its name, so the name may not claim
something the content is not. Everything else (executables, HTML, SVG, scripts, plain
archives, macro-enabled Office files) is refused. A policy with `opens` (the stamped scan
kept as the record) also checks that a PDF opens, with a page (`pdf_opens`).

Policies are deployment settings (`UPLOAD_POLICIES`), not per-organisation rules: the size
limit has to agree with the web server's request-body limit, which is one per deployment.

Accepted files go to `PrivateStorage` under `PRIVATE_MEDIA_ROOT`, outside anything the web
server or WhiteNoise serves, under random names; `core.files` serves them after checking
the viewer's right to the row that holds them.
"""

import math
import os
import re
import secrets
import struct
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files import uploadhandler
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

MB = 1024 * 1024


@dataclass(frozen=True)
class Kind:
    label: str
    extensions: tuple[str, ...]
    content_type: str


KINDS = {
    "pdf": Kind("PDF", (".pdf",), "application/pdf"),
    # WPS文字 saves its .wps files in the same compound format as Word 97-2003.
    "doc": Kind("DOC/WPS", (".doc", ".wps"), "application/msword"),
    "docx": Kind(
        "DOCX",
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xls": Kind("XLS", (".xls",), "application/vnd.ms-excel"),
    "xlsx": Kind(
        "XLSX", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    # OFD (GB/T 33190) is the format of China's electronic official documents.
    "ofd": Kind("OFD", (".ofd",), "application/ofd"),
    "jpg": Kind("JPG", (".jpg", ".jpeg"), "image/jpeg"),
    "png": Kind("PNG", (".png",), "image/png"),
}

# The defaults; `settings.UPLOAD_POLICIES` may override any key of any policy.
DEFAULT_POLICIES = {
    # Feedback documents, activity attachments: what offices exchange.
    "document": {
        "kinds": ["pdf", "doc", "docx", "xls", "xlsx", "ofd", "jpg", "png"],
        "max_mb": 20,
    },
    # Imports read by openpyxl, which only opens OOXML workbooks.
    "spreadsheet": {"kinds": ["xlsx"], "max_mb": 10},
    # Scans of signed, stamped documents kept as the record (an answer letter of record):
    # the PDF must open, with a page (`opens`), not merely begin with "%PDF-".
    "pdf": {"kinds": ["pdf"], "max_mb": 20, "opens": True},
    # Evidence of a duty entry (履职佐证材料): a photo of the activity, a scanned sign-in
    # sheet. A PDF must open, with a page, as the office reads it to confirm the entry.
    "evidence": {"kinds": ["jpg", "png", "pdf"], "max_mb": 10, "opens": True},
}


@dataclass(frozen=True)
class Policy:
    name: str
    kinds: tuple[str, ...]
    max_mb: float
    # A PDF must open with pypdf, with at least one page (`pdf_opens`).
    opens: bool = False

    @property
    def max_bytes(self) -> int:
        return int(self.max_mb * MB)

    @property
    def extensions(self) -> list[str]:
        return [ext for kind in self.kinds for ext in KINDS[kind].extensions]

    def describe(self) -> str:
        return _("允许上传%(kinds)s文件，单个文件不超过%(limit)sMB。") % self._params()

    def _params(self) -> dict:
        return {
            # "JPG, PNG, PDF" in English, not "JPG、PNG、PDF".
            "kinds": _("、").join(KINDS[k].label for k in self.kinds),
            "limit": f"{self.max_mb:g}",
        }


def get_policy(name: str) -> Policy:
    overrides = getattr(settings, "UPLOAD_POLICIES", {}) or {}
    if name not in DEFAULT_POLICIES and name not in overrides:
        raise ImproperlyConfigured(f"Unknown upload policy {name!r}")
    data = {**DEFAULT_POLICIES.get(name, {}), **overrides.get(name, {})}
    unknown = set(data.get("kinds", ())) - set(KINDS)
    if unknown or "kinds" not in data or "max_mb" not in data:
        raise ImproperlyConfigured(f"UPLOAD_POLICIES[{name!r}] is incomplete or names {unknown}")
    return Policy(
        name, tuple(data["kinds"]), float(data["max_mb"]), opens=bool(data.get("opens", False))
    )


# --- Recognising a file by its bytes -----------------------------------------------------------

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = b"PK\x03\x04"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"

OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
}
_OVERRIDE = re.compile(rb"<Override\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(rb"""\b(PartName|ContentType)\s*=\s*["']([^"']*)["']""")


def detect(file) -> str | None:
    """The kind of an uploaded file by its content, or None if it is none we know."""
    file.seek(0)
    head = file.read(8)
    try:
        if head.startswith(b"%PDF-"):
            return "pdf"
        if head.startswith(PNG_MAGIC):
            return "png"
        if head.startswith(JPEG_MAGIC):
            return "jpg"
        if head.startswith(OLE2_MAGIC):
            return _detect_ole2(file)
        if head.startswith(ZIP_MAGIC):
            return _detect_package(file)
    except (
        OSError,
        EOFError,
        ValueError,
        NotImplementedError,
        RuntimeError,
        struct.error,
        zipfile.BadZipFile,
    ):
        # A damaged or hostile container is simply not a kind we know.
        return None
    finally:
        file.seek(0)
    return None


def _detect_package(file) -> str | None:
    """OOXML (a zip with [Content_Types].xml naming a Word or Excel main part) or OFD."""
    file.seek(0)
    with zipfile.ZipFile(file) as z:
        names = set(z.namelist())
        if "[Content_Types].xml" in names:
            info = z.getinfo("[Content_Types].xml")
            if info.file_size > MB:  # a real manifest is a few kilobytes
                return None
            manifest = z.read(info)
            parts = {}
            for element in _OVERRIDE.findall(manifest):
                attrs = dict(_ATTR.findall(element))
                if b"PartName" in attrs and b"ContentType" in attrs:
                    parts[attrs[b"ContentType"].decode("utf-8", "replace")] = attrs[
                        b"PartName"
                    ].decode("utf-8", "replace")
            # Macros (vbaProject) are refused even under a .docx/.xlsx main type.
            if any("macroenabled" in t.lower() or "vbaproject" in t.lower() for t in parts):
                return None
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                return None
            found = [kind for t, kind in OOXML_MAIN.items() if t in parts]
            if len(found) == 1 and parts_exists(names, parts, found[0]):
                return found[0]
            return None
        if "OFD.xml" in names:
            with z.open("OFD.xml") as f:
                if b"ofdspec.org" in f.read(4096):
                    return "ofd"
    return None


def parts_exists(names: set[str], parts: dict[str, str], kind: str) -> bool:
    main_type = next(t for t, k in OOXML_MAIN.items() if k == kind)
    return parts[main_type].lstrip("/") in names


def _detect_ole2(file) -> str | None:
    """Word/WPS or Excel 97-2003: the root storage of the compound file holds a
    "WordDocument" or a "Workbook"/"Book" stream ([MS-CFB] header, FAT, directory)."""
    streams = _ole2_root_streams(file)
    if "WordDocument" in streams and not streams & {"Workbook", "Book"}:
        return "doc"
    if streams & {"Workbook", "Book"} and "WordDocument" not in streams:
        return "xls"
    return None


def _ole2_root_streams(file, max_sectors: int = 4096) -> set[str]:
    file.seek(0)
    header = file.read(512)
    if len(header) < 512:
        return set()
    shift = struct.unpack_from("<H", header, 0x1E)[0]
    if shift not in (9, 12):
        return set()
    size = 1 << shift
    n_fat, first_dir = (
        struct.unpack_from("<I", header, 0x2C)[0],
        struct.unpack_from("<I", header, 0x30)[0],
    )
    next_difat, n_difat = struct.unpack_from("<II", header, 0x44)
    special = 0xFFFFFFFA  # sector numbers at and above this are markers

    def sector(n: int) -> bytes:
        file.seek((n + 1) * size)
        data = file.read(size)
        if len(data) != size:
            raise ValueError("truncated compound file")
        return data

    fat_sectors = [s for s in struct.unpack_from("<109I", header, 0x4C) if s < special]
    seen = 0
    while next_difat < special and seen < min(n_difat, max_sectors):
        entries = struct.unpack(f"<{size // 4}I", sector(next_difat))
        fat_sectors += [s for s in entries[:-1] if s < special]
        next_difat, seen = entries[-1], seen + 1
    fat: list[int] = []
    for s in fat_sectors[: min(n_fat, max_sectors)]:
        fat.extend(struct.unpack(f"<{size // 4}I", sector(s)))

    directory = b""
    current, visited = first_dir, set()
    while current < special and current not in visited and len(visited) < max_sectors:
        visited.add(current)
        directory += sector(current)
        current = fat[current] if current < len(fat) else special

    def entry(i: int) -> tuple[str, int, int, int, int]:
        raw = directory[i * 128 : (i + 1) * 128]
        if len(raw) < 128:
            raise ValueError("directory entry out of range")
        name_len = min(struct.unpack_from("<H", raw, 0x40)[0], 64)
        name = raw[: max(name_len - 2, 0)].decode("utf-16-le", "replace")
        kind = raw[0x42]
        left, right, child = struct.unpack_from("<III", raw, 0x44)
        return name, kind, left, right, child

    _root_name, root_kind, _l, _r, first_child = entry(0)
    if root_kind != 5:
        return set()
    streams, stack, walked = set(), [first_child], set()
    # The root's children form a red-black tree through left/right sibling links.
    while stack:
        i = stack.pop()
        if i >= special or i in walked or len(walked) > 10000:
            continue
        walked.add(i)
        name, kind, left, right, _child = entry(i)
        if kind == 2:
            streams.add(name)
        stack += [left, right]
    return streams


# --- The check every upload goes through ------------------------------------------------------


def check_upload(file, policy: str) -> str:
    """Return the file's kind, or raise a ValidationError that says what is allowed."""
    pol = get_policy(policy)
    params = pol._params()
    if file.size > pol.max_bytes:
        raise ValidationError(
            _(
                "文件过大（%(size)sMB）。允许上传%(kinds)s文件，单个文件不超过%(limit)sMB。"
                "请重新选择文件。"
            ),
            code="file_too_large",
            # Rounded up: a file just over the limit never reads as the limit itself
            # ("文件过大（20.0MB）……不超过20MB").
            params={**params, "size": f"{math.ceil(file.size * 10 / MB) / 10:.1f}"},
        )
    kind = detect(file)
    if kind is None or kind not in pol.kinds:
        raise ValidationError(
            _("不接受此类文件。允许上传%(kinds)s文件，单个文件不超过%(limit)sMB。请重新选择文件。"),
            code="file_type",
            params=params,
        )
    ext = os.path.splitext(file.name or "")[1].lower()
    if ext not in KINDS[kind].extensions:
        raise ValidationError(
            _(
                "文件扩展名与内容不符（内容为%(actual)s）。允许上传%(kinds)s文件，"
                "单个文件不超过%(limit)sMB。请重新选择文件。"
            ),
            code="file_extension",
            params={**params, "actual": KINDS[kind].label},
        )
    if pol.opens and kind == "pdf" and not pdf_opens(file):
        # Where the PDF is the record itself (a stamped scan), "%PDF-" and nothing after it
        # is not enough: the file has to open, with at least one page.
        raise ValidationError(
            _("该PDF文件无法打开或没有页面，可能已损坏或不完整。请重新选择文件。"),
            code="file_unreadable",
        )
    return kind


def pdf_opens(file) -> bool:
    """Whether the file reads as a PDF with at least one page (pypdf, which reads the
    cross-reference table and the page tree, not the page contents: milliseconds even for
    a 20MB scan)."""
    from pypdf import PdfReader

    file.seek(0)
    try:
        return len(PdfReader(file, strict=False).pages) > 0
    except Exception:  # noqa: BLE001 - whatever pypdf cannot read, nobody can open
        return False
    finally:
        file.seek(0)


def content_type_for(name: str) -> str:
    """The MIME type to serve a stored file with, from its (validated) extension."""
    ext = os.path.splitext(name)[1].lower()
    for kind in KINDS.values():
        if ext in kind.extensions:
            return kind.content_type
    return "application/octet-stream"


# --- Storage ---------------------------------------------------------------------------------


class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, which nothing serves directly."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        # A public URL would bypass the access check; links come from core.files.file_url.
        raise ValueError("Private files have no public URL; use core.files.file_url().")


_private_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    """For `FileField(storage=private_storage)`: a callable keeps migrations free of paths."""
    return _private_storage


@deconstructible
class RandomName:
    """upload_to: `<prefix>/YYYY/MM/<32 hex><ext>`. The user's file name never reaches the
    file system (no path tricks, no personal data in names); the model keeps it for the
    download's filename."""

    def __init__(self, prefix: str):
        self.prefix = prefix.strip("/")

    def __call__(self, instance, filename: str) -> str:
        ext = os.path.splitext(filename)[1].lower()
        if not re.fullmatch(r"\.[a-z0-9]{1,8}", ext):
            ext = ""
        return f"{self.prefix}/{timezone.localdate():%Y/%m}/{secrets.token_hex(16)}{ext}"

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomName) and other.prefix == self.prefix


def move_to_private(apps, app_label: str, model_name: str, field: str, name_field: str) -> None:
    """Data migration step: files uploaded before private storage existed move from
    MEDIA_ROOT to PRIVATE_MEDIA_ROOT under the same relative name (so rows stay valid), and
    the row remembers the old file name for downloads."""
    import shutil
    from pathlib import Path

    model = apps.get_model(app_label, model_name)
    public, private = Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)
    for row in model._default_manager.exclude(**{field: ""}).iterator():
        name = getattr(row, field).name
        source, target = public / name, private / name
        if source.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(source, target)
        if not getattr(row, name_field):
            setattr(row, name_field, name.rsplit("/", 1)[-1])
            row.save(update_fields=[name_field])


# --- The file name a browser sent --------------------------------------------------------------
# Browsers write a form's file names into the multipart body with `"`, CR and LF escaped as
# %22, %0D and %0A (the HTML standard's form encoding); Django's parser does not undo it, so
# 关于"加装电梯"的说明.pdf was stored, listed and downloaded as 关于%22加装电梯%22的说明.pdf.
_BROWSER_ESCAPES = {"%22": '"', "%0D": " ", "%0A": " ", "%0d": " ", "%0a": " "}
_BROWSER_ESCAPE = re.compile("|".join(map(re.escape, _BROWSER_ESCAPES)))


def browser_file_name(name: str) -> str:
    """The file name as the user's computer shows it."""
    return _BROWSER_ESCAPE.sub(lambda m: _BROWSER_ESCAPES[m.group()], name or "")


class _BrowserNames:
    def new_file(self, field_name, file_name, *args, **kwargs):
        return super().new_file(field_name, browser_file_name(file_name), *args, **kwargs)


class MemoryFileUploadHandler(_BrowserNames, uploadhandler.MemoryFileUploadHandler):
    """Django's, with the browser's escapes in the file name undone."""


class TemporaryFileUploadHandler(_BrowserNames, uploadhandler.TemporaryFileUploadHandler):
    """Django's, with the browser's escapes in the file name undone."""
