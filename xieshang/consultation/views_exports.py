"""The topics and activities lists as Excel (core.exports, declared in exports.py)."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_safe

from xieshang.core import exports


@login_required
@require_safe
def topics_export(request):
    return exports.respond(request, "consultation.topics")


@login_required
@require_safe
def activities_export(request):
    return exports.respond(request, "consultation.activities")
