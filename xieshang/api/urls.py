from django.conf import settings
from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, path, resolve, reverse
from django.utils.translation import gettext as _

from .api import api


def api_root(request):
    """/api/v1/ (and /api/, `unknown`): a browser (GET) is sent to the interactive docs,
    which nothing else names; any other method is the API's JSON 404, like an unknown path.
    It takes the place of ninja's own root (an HTML 404 naming the docs in English), under
    its name `api:api-root`, which ninja reverses to find the API's prefix."""
    if request.method in ("GET", "HEAD"):
        return HttpResponseRedirect(reverse("api:openapi-view"))
    return _not_found()


def unknown(request, rest: str = ""):
    """Every path under /api/ that names no operation (the site's urls send them here): the
    API's JSON 404, which a script reads, not the site's HTML page; /api/ itself is the
    root. A GET without its trailing slash that names a list (`/api/v1/members`) is still
    sent on to it, as Django's APPEND_SLASH did before this catch-all answered every path."""
    if rest == "":
        return api_root(request)
    if (
        settings.APPEND_SLASH
        and request.method in ("GET", "HEAD")
        and not request.path_info.endswith("/")
    ):
        try:
            match = resolve(request.path_info + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not unknown:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return _not_found()


def _not_found():
    return JsonResponse({"detail": _("接口不存在：请查看 /api/v1/docs 中列出的接口。")}, status=404)


def _with_our_root(urls):
    patterns, app_name, namespace = urls
    theirs = [p for p in patterns if getattr(p, "name", None) != "api-root"]
    return [path("", api_root, name="api-root"), *theirs], app_name, namespace


urlpatterns = [path("", _with_our_root(api.urls))]
