"""The topics and activities lists as Excel (core.exports, declared in exports.py)."""

from django.contrib.auth.decorators import login_required

from xieshang.core import exports


@login_required
def topics_export(request):
    return exports.respond(request, "consultation.topics")


@login_required
def activities_export(request):
    return exports.respond(request, "consultation.activities")
