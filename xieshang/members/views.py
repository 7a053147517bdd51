from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from xieshang.core import access


@login_required
def member_list(request):
    access.require(request.user, "members.view")
    return render(request, "base.html")


@login_required
def checks(request):
    access.require(request.user, "checks.view")
    return render(request, "base.html")
