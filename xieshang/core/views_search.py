"""The results page of the header search (see core/search.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import search as registry
from .params import text_param


@login_required
def search(request):
    query = text_param(request, "q", max_length=registry.QUERY_MAX, label=_("搜索词"))
    context = {"q": query, "groups": [], "message": "", "searched": False}
    if not query:
        context["message"] = _("请输入要搜索的提案案由、议题、委员姓名或编号。")
    elif len(query) < registry.QUERY_MIN:
        context["message"] = _("搜索词至少 %(n)d 个字，请再多输入一些。") % {
            "n": registry.QUERY_MIN
        }
    else:
        context["groups"] = registry.search(request.user, query)
        context["searched"] = True
        context["total"] = sum(len(g.hits) for g in context["groups"])
        if not context["total"]:
            context["narrower"] = registry.narrower_words(request.user, query)
    return render(request, "core/search.html", context)
