"""`/health/` for monitoring and `/health/live/` for a bare liveness probe.

Who sees what: the full report (every check with its details) goes to a request from an
address in HEALTH_ALLOWED_IPS (default: loopback only) or carrying the header
`X-Health-Token` equal to HEALTH_TOKEN (env; unset means no token is accepted). Anyone else
gets only {"status": ...} with the same HTTP code, enough for a load balancer and nothing
about the installation. The client address is REMOTE_ADDR, or with TRUSTED_PROXY_COUNT set
the address the trusted proxies forwarded; a forwarded request with TRUSTED_PROXY_COUNT=0
never counts as local (behind nginx on the same host every request comes from 127.0.0.1).

No session, no CSRF, no login: GET only, never cached, exempt from the second-factor and
password-change redirects (core.middleware) and from the HTTPS redirect (settings).
"""

import hmac
import ipaddress

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from . import health as checks
from .clientip import client_ip, trusted_proxies

TOKEN_HEADER = "X-Health-Token"


def _client_ip(request) -> str:
    # Stricter than client_ip: with no trusted proxy, a forwarded request came through
    # some proxy we know nothing about, so it is nobody in particular.
    if trusted_proxies() <= 0 and request.META.get("HTTP_X_FORWARDED_FOR"):
        return ""
    return client_ip(request)


def _ip_allowed(ip: str) -> bool:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    for entry in getattr(settings, "HEALTH_ALLOWED_IPS", ["127.0.0.1", "::1"]):
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def may_see_details(request) -> bool:
    token = getattr(settings, "HEALTH_TOKEN", "")
    given = request.headers.get(TOKEN_HEADER, "")
    if token and given and hmac.compare_digest(token.encode(), given.encode()):
        return True
    return _ip_allowed(_client_ip(request))


@csrf_exempt
@require_safe
@never_cache
def health(request):
    report = checks.report()
    status = 503 if report["status"] == checks.FAIL else 200
    body = report if may_see_details(request) else {"status": report["status"]}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


@csrf_exempt
@require_safe
@never_cache
def live(request):
    """The process answers: touches neither the database nor the disk."""
    return JsonResponse({"status": "ok", "time": timezone.now().isoformat()})
