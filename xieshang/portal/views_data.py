"""开放数据 pages: the index of the datasets and each one as CSV or JSON (no login).

The rows come from `opendata` (published items only, stripped as the portal pages strip
them). The files are published in Chinese, headers and values, whatever the reader's
language (the index page around them follows the reader). CSV is UTF-8 with a BOM so that
Excel reads the Chinese headers; a text that starts like a formula
(`core.excel.is_dangerous`) gets a leading apostrophe. ?org=<id> keeps one organisation's
subtree, ?year=YYYY one year; a bad value is a 400 with a Chinese message.
A file is built once for a state of its rows and then served from the "files" cache.
"""

import csv
import hashlib
import io
import json
import logging
import pickle
import zlib

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from xieshang.core.excel import is_dangerous
from xieshang.core.files import content_disposition
from xieshang.core.params import id_param, year_param
from xieshang.orgs.models import Organisation

from . import opendata

logger = logging.getLogger(__name__)


def _dataset(key: str) -> opendata.Dataset:
    dataset = opendata.get(key)
    if dataset is None:
        raise Http404
    return dataset


def _org_param(request) -> Organisation | None:
    pk = id_param(request, "org", label=_("政协组织"))
    if pk is None:
        return None
    found = Organisation.objects.filter(pk=pk).only("pk", "path").first()
    if found is None:
        raise BadRequest(_("政协组织（org）不是有效的选项。"))
    return found


def _items(request, dataset: opendata.Dataset, org, year) -> list[dict]:
    rows = dataset.items(org=org, year=year)
    links = [f.key for f in dataset.fields if f.link]
    for row in rows:
        for key in links:
            if row.get(key):
                row[key] = request.build_absolute_uri(row[key])
    return rows


def _file(request, dataset: opendata.Dataset, ext: str, build) -> bytes:
    """The file's body, built by `build(rows)` once for a state of its rows and kept in the
    "files" cache (anyone may ask for a province's 5,000 rows again and again: ~2 s and
    ~85,000 objects a time). The key holds the rows' summary (count, latest change, keys),
    so a publication or a withdrawal is a new file at once, and the address the links are
    written with. The file is Chinese for every reader (headers and values)."""
    org = _org_param(request)
    year = year_param(request)
    state = dataset.summary(org=org, year=year)
    name = repr(
        (
            dataset.key,
            ext,
            org.pk if org else None,
            year,
            state["count"],
            state["updated"].isoformat() if state["updated"] else None,
            state["ids"],
            request.build_absolute_uri("/"),
        )
    )
    key = "opendata:" + hashlib.sha256(name.encode()).hexdigest()
    # The cache only saves work: a damaged file or a full or unwritable disk is logged and
    # the file built as if nothing were cached, never a 500 for the reader.
    try:
        body = caches["files"].get(key)
    except (OSError, EOFError, ValueError, zlib.error, pickle.UnpicklingError) as exc:
        logger.warning("open data: cached %s unreadable, built again: %r", dataset.key, exc)
        body = None
    if body is None:
        # Open data is published in Chinese whatever the reader's language (headers and
        # values: 区农业农村局（主办）, not "（Lead）"): the same file for every reader.
        with translation.override(settings.LANGUAGE_CODE):
            body = build(_items(request, dataset, org, year))
        try:
            caches["files"].set(key, body)
        except OSError as exc:
            logger.warning("open data: %s not cached: %r", dataset.key, exc)
    return body


def _text(value) -> str:
    """A cell as written to the CSV and JSON: dates ISO 8601, local time for datetimes."""
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _filename(dataset, ext: str) -> str:
    return f"{dataset.key}-{timezone.localdate():%Y%m%d}.{ext}"


@require_safe
def index(request):
    rows = [{"dataset": d, **d.summary()} for d in opendata.datasets()]
    return render(request, "portal/data_index.html", {"rows": rows, "max_rows": opendata.MAX_ROWS})


@require_safe
def dataset_csv(request, key: str):
    dataset = _dataset(key)

    def build(rows) -> bytes:
        buffer = io.StringIO()
        buffer.write("\ufeff")  # the BOM: Excel then reads the file as UTF-8
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([str(f.label) for f in dataset.fields])
        for row in rows:
            cells = []
            for f in dataset.fields:
                value = _text(row.get(f.key))
                if isinstance(value, str) and is_dangerous(value):
                    value = "'" + value
                cells.append(value)
            writer.writerow(cells)
        return buffer.getvalue().encode()

    response = HttpResponse(
        _file(request, dataset, "csv", build), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition(_filename(dataset, "csv"))
    return response


@require_safe
def dataset_json(request, key: str):
    dataset = _dataset(key)

    def build(rows) -> bytes:
        data = {
            "dataset": dataset.key,
            "generated_at": timezone.localtime().isoformat(timespec="seconds"),
            "count": len(rows),
            "fields": [{"key": f.key, "label": str(f.label)} for f in dataset.fields],
            "items": [{f.key: _text(row.get(f.key)) for f in dataset.fields} for row in rows],
        }
        return json.dumps(data, ensure_ascii=False, indent=1).encode()

    response = HttpResponse(
        _file(request, dataset, "json", build), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition(_filename(dataset, "json"), inline=True)
    return response
