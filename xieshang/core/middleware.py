"""Request-wide security rules: the staff second factor, password expiry, forced password
change, and the request context that the audit trail reads its IP address from."""

import contextvars
import datetime as dt

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

_request: contextvars.ContextVar = contextvars.ContextVar("xieshang_request", default=None)


def current_request():
    return _request.get()


# Paths a user with an expired password may still reach.
_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/", "/portal/")
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
