from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog

from xieshang.api.urls import unknown as api_unknown

urlpatterns = [
    path("", include("xieshang.core.urls")),
    path("orgs/", include("xieshang.orgs.urls")),
    path("members/", include("xieshang.members.urls")),
    path("duty/", include("xieshang.duty.urls")),
    path("followups/", include("xieshang.followups.urls")),
    path("proposals/", include("xieshang.proposals.urls")),
    path("meetings/", include("xieshang.meetings.urls")),
    path("consultation/", include("xieshang.consultation.urls")),
    path("opinions/", include("xieshang.opinions.urls")),
    path("residents/", include("xieshang.residents.urls")),
    path("platforms/", include("xieshang.platforms.urls")),
    path("nominations/", include("xieshang.nominations.urls")),
    path("budgets/", include("xieshang.budgets.urls")),
    path("portal/topics/", include("xieshang.consultation.urls_public")),
    path("portal/verify/", include("xieshang.duty.urls_public")),
    path("portal/awards/", include("xieshang.duty.urls_awards_public")),
    path("portal/issues/", include("xieshang.residents.urls_public")),
    path("portal/platforms/", include("xieshang.platforms.urls_public")),
    path("portal/", include("xieshang.portal.urls")),
    path("screening/", include("xieshang.portal.urls_office")),
    path("api/v1/", include("xieshang.api.urls")),
    # /api/ and any path under it that names no operation: the API's JSON 404 (/api/ to its docs).
    re_path(r"^api/(?P<rest>.*)$", api_unknown),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]

# The 400 page shows what was wrong (`core.params`, the NUL check); Django's shows nothing.
handler400 = "xieshang.core.errors.bad_request"
# Chinese 403 and 404 pages in the site's (or the portal's) layout.
handler403 = "xieshang.core.errors.permission_denied"
handler404 = "xieshang.core.errors.page_not_found"
# The 500 page shows the request id to quote to the office (core.logs).
handler500 = "xieshang.core.errors.server_error"

if settings.DEBUG or getattr(settings, "ADMIN_ENABLED", False):
    urlpatterns.append(path("admin/", admin.site.urls))
