"""Structured logs: a request id on every line of a request, and JSON lines for collectors.

- `RequestIdMiddleware` takes the proxy's `X-Request-ID` when it is well formed (letters,
  digits, `-_.:`, at most 64), or makes one; it is kept in a context variable for the
  request, sent back in the `X-Request-ID` response header, shown on the 500 page, and
  written once per request as an access line (method, path, status, duration, user id).
- `RequestContextFilter` (on the handlers, see settings.LOGGING) copies the request id,
  path, method and user id onto every record logged while the request runs, in any logger.
- `JsonFormatter` (LOG_FORMAT=json) writes one JSON object a line: time, level, logger,
  message, request id, path, method, user id, status, duration and, for errors, the
  exception with its traceback. Nothing from the request body or the query string is ever
  written, and ID-card and mobile numbers in messages and tracebacks are masked with
  `core.pii`'s masks.
"""

import contextvars
import datetime as dt
import json
import logging
import re
import time
import uuid

_context: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "xieshang_log_context", default=None
)

_VALID_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")
HEADER = "X-Request-ID"

access_logger = logging.getLogger("xieshang.request")


def current_request_id() -> str:
    ctx = _context.get()
    return ctx["request_id"] if ctx else ""


def new_request_id() -> str:
    return uuid.uuid4().hex


def accept_request_id(value: str | None) -> str:
    """The proxy's id when it is safe to echo and to log, a fresh one otherwise."""
    if value and _VALID_ID.match(value):
        return value
    return new_request_id()


class RequestIdMiddleware:
    """First in settings.MIDDLEWARE, so every other middleware's log lines carry the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = accept_request_id(request.headers.get(HEADER))
        request.request_id = request_id
        ctx = {
            "request_id": request_id,
            "path": request.path,
            "method": request.method,
            "user_id": None,
        }
        token = _context.set(ctx)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                ctx["user_id"] = user.pk
            response[HEADER] = request_id
            duration_ms = round((time.monotonic() - started) * 1000, 1)
            level = logging.WARNING if response.status_code >= 500 else logging.INFO
            access_logger.log(
                level,
                "%s %s %s %sms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={"status": response.status_code, "duration_ms": duration_ms},
            )
            return response
        finally:
            _context.reset(token)


class RequestContextFilter(logging.Filter):
    """Adds request_id, path, method and user_id to every record (empty outside a request)."""

    def filter(self, record):
        ctx = _context.get()
        # django.request's records carry the request; its 4xx lines are written after the
        # middleware has returned, outside the context.
        request = getattr(record, "request", None)
        if ctx is None and request is not None and hasattr(request, "request_id"):
            ctx = {
                "request_id": request.request_id,
                "path": getattr(request, "path", None),
                "method": getattr(request, "method", None),
                "user_id": None,
            }
        ctx = ctx or {}
        for key in ("request_id", "path", "method", "user_id"):
            if getattr(record, key, None) is None:
                setattr(record, key, ctx.get(key))
        if record.user_id is None and request is not None:
            user = getattr(request, "user", None)
            if user is not None and getattr(user, "is_authenticated", False):
                record.user_id = user.pk
        # A refused request (403, 404, 405) is the app working as meant: one line, not the
        # traceback Django attaches to its warning, which buried real errors in the log.
        if record.name == "django.request" and getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True


# An 18-character resident ID number and a mainland mobile number, not inside longer digits.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def scrub(text: str) -> str:
    """Mask ID-card and mobile numbers (core.pii's masks) in a log message or traceback."""
    if not text:
        return text
    try:
        from .pii import mask_id_number, mask_phone
    except Exception:  # noqa: BLE001 - apps not loaded yet: hide the whole number

        def mask_id_number(value):
            return "*" * len(value)

        mask_phone = mask_id_number
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    return _PHONE.sub(lambda m: mask_phone(m.group(0)), text)


class JsonFormatter(logging.Formatter):
    """One JSON object a line. Only the named fields are written: never the request object,
    its body, its query string or arbitrary `extra` values."""

    def format(self, record):
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a bad %-format must not lose the line
            message = str(record.msg)
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(message),
            "request_id": getattr(record, "request_id", None) or current_request_id() or None,
            "path": getattr(record, "path", None),
            "method": getattr(record, "method", None),
            "user_id": getattr(record, "user_id", None),
        }
        status = getattr(record, "status", None) or getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        duration = getattr(record, "duration_ms", None)
        if duration is not None:
            entry["duration_ms"] = duration
        if record.exc_info and record.exc_info[0] is not None:
            exc_type, exc_value = record.exc_info[0], record.exc_info[1]
            entry["exception"] = {
                "type": f"{exc_type.__module__}.{exc_type.__qualname__}",
                "message": scrub(str(exc_value)),
                "traceback": scrub(self.formatException(record.exc_info)),
            }
        elif record.exc_text:
            entry["exception"] = {"traceback": scrub(record.exc_text)}
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The human-readable default (`make run`): the request id's first 8 characters in
    brackets when there is one."""

    def format(self, record):
        line = super().format(record)
        request_id = getattr(record, "request_id", None)
        return f"[{request_id[:8]}] {line}" if request_id else line
