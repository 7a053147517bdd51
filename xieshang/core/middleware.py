"""Request-wide rules: the interface language, the staff second factor, password expiry,
forced password change, and the request context that the audit trail reads its IP address from."""

import contextvars
import datetime as dt
import json

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the user chose English with the language switch (its cookie). The
    browser's Accept-Language is not consulted: an office PC or a visitor's phone set to
    English still opens the product in Chinese, and English is one click away."""

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # The language comes from the cookie, never from Accept-Language or the path (no
        # i18n_patterns): no path parsing per response, and caches vary on the cookie.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


# The session key holding when the session's expiry was last pushed forward (epoch seconds).
SESSION_REFRESHED_KEY = "_xs_refreshed"
# How often activity pushes the idle timeout forward. Between two refreshes the session row
# is not written, so a session ends after between SESSION_COOKIE_AGE minus this and
# SESSION_COOKIE_AGE of idleness: never later than the configured timeout.
SESSION_REFRESH_SECONDS = 60


class IdleSessionMiddleware:
    """The idle-session timeout (SPEC security baseline) without writing the session row on
    every request: activity renews the session's expiry (SESSION_COOKIE_AGE from the save)
    at most once every SESSION_REFRESH_SECONDS. Only a session that holds something is
    renewed; an anonymous visitor's empty session is never written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key is not None:
            # Reading loads the session (auth reads it anyway); a cookie whose session has
            # expired loses its key here and is left alone.
            last = session.get(SESSION_REFRESHED_KEY)
            now = int(timezone.now().timestamp())
            stale = not isinstance(last, int) or not 0 <= now - last < SESSION_REFRESH_SECONDS
            if stale and session.session_key is not None and session.keys():
                session[SESSION_REFRESHED_KEY] = now  # modified: saved with a new expiry
        return self.get_response(request)


_request: contextvars.ContextVar = contextvars.ContextVar("xieshang_request", default=None)


def current_request():
    return _request.get()


# Paths a user with an expired or temporary password may still reach: logging in and out,
# the change itself and the second factor. Not 接口令牌 (/accounts/tokens/): a token minted
# with a temporary or stale password would outlive it by up to a year.
_EXEMPT_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/password_change/",
    "/accounts/2fa/",
    "/static/",
    "/i18n/",
    "/api/",
    "/portal/",
    "/health",
)
# Paths a staff user who has not yet given their second factor may reach. Not the password
# pages: the password alone must not be enough to change the password. The API
# authenticates with tokens, not the session.
_OTP_EXEMPT_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/logout/",
    "/static/",
    "/i18n/",
    "/jsi18n/",
    "/api/",
    "/healthz",
    "/health/",
)


class SecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            response = self._enforce_second_factor(request) or self._enforce_password_policy(
                request
            )
            if response is None:
                response = self.get_response(request)
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and "Cache-Control" not in response:
                # A logged-in page may show personal data: no copy stays in a shared office
                # computer's browser cache or in a proxy (files and exports say so already).
                response["Cache-Control"] = "private, no-store"
            return response
        finally:
            _request.reset(token)

    def _enforce_second_factor(self, request):
        if not settings.STAFF_2FA_REQUIRED:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.path.startswith(_OTP_EXEMPT_PREFIXES):
            return None
        from .services import OTP_SESSION_KEY, otp_device, otp_required

        if request.session.get(OTP_SESSION_KEY) or not otp_required(user):
            return None
        target = "otp_verify" if otp_device(user) is not None else "otp_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")

    def _enforce_password_policy(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.path.startswith(_EXEMPT_PREFIXES):
            return None
        if user.must_change_password or password_expired(user):
            return redirect(reverse("password_change"))
        return None


def password_expired(user) -> bool:
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    if not max_age:
        return False
    changed = user.password_changed_at
    if changed is None:
        return False
    return timezone.now() - changed > dt.timedelta(days=max_age)


# The JSON API answers input errors as 422 with ninja's error list, not the 400 page.
_API_PREFIX = "/api/"


class RejectNulMiddleware:
    """Refuse a NUL character anywhere in the query string or in a form or JSON body.

    PostgreSQL text cannot hold NUL (psycopg raises DataError: a 500), SQLite stores it and
    truncates it in some tools; no person types one. Django's form fields already refuse it,
    but query parameters read by views and JSON bodies read by the API do not, so one check
    here covers them all. Uploaded files are not looked at: binary content may hold NUL.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = self._nul_in(request)
        if where is None:
            return self.get_response(request)
        message = _("请求中含有空字符（NUL），无法处理。")
        if request.path.startswith(_API_PREFIX):
            error = {"type": "nul_character", "loc": [where], "msg": message}
            return JsonResponse({"detail": [error]}, status=422)
        # Raised, not returned: Django turns it into the 400 page (core.errors).
        raise BadRequest(message)

    @staticmethod
    def _nul_in(request) -> str | None:
        if "\x00" in request.path or _querydict_has_nul(request.GET):
            return "query"
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        if request.content_type == "application/json":
            try:
                data = json.loads(request.body)
            except ValueError:
                return None  # not JSON: the API reports the syntax error itself
            return "body" if _json_has_nul(data) else None
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if request.path.startswith(_API_PREFIX):
                # django-ninja reads `request.body` after us; parsing multipart from the
                # stream would leave it unreadable (RawPostDataException, a 500). Reading
                # the body first caches it, and the form is then parsed from the cache.
                request.body  # noqa: B018
            return "body" if _querydict_has_nul(request.POST) else None
        return None


def _querydict_has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in data.lists())


def _json_has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_json_has_nul(k) or _json_has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_json_has_nul(v) for v in value)
    return False


class MethodNotAllowedPageMiddleware:
    """Django's 405 (an address that only takes a form's POST, opened by a bookmark or a
    pasted link) is an empty page; people get the site's error page saying what to do
    instead. The API keeps its own answers, HEAD stays bodiless, the Allow header stays."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code != 405
            or response.content
            or request.method == "HEAD"
            or request.path.startswith(_API_PREFIX)
        ):
            return response
        from .errors import method_not_allowed

        page = method_not_allowed(request)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page
