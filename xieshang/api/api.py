"""The JSON API: /api/v1/, token auth, OpenAPI at /api/v1/openapi.json. One router per
domain, each calling the same services and policies as the web pages."""

from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import HttpBearer

from xieshang.core.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        found = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=ApiToken.hash(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


api = NinjaAPI(
    title="Xieshang API",
    version="1",
    description="协商平台 JSON 接口",
    auth=TokenAuth(),
    urls_namespace="api",
)

from xieshang.api.members import router as members_router  # noqa: E402

api.add_router("/members/", members_router)

from xieshang.api.followups import router as followups_router  # noqa: E402

api.add_router("/followups/", followups_router)

from xieshang.api.proposals import router as proposals_router  # noqa: E402

api.add_router("/proposals/", proposals_router)

from xieshang.api.consultation import router as consultation_router  # noqa: E402

api.add_router("/consultation/", consultation_router)

from xieshang.api.meetings import router as meetings_router  # noqa: E402

api.add_router("/meetings/", meetings_router)

from xieshang.api.opinions import router as opinions_router  # noqa: E402

api.add_router("/opinions/", opinions_router)
