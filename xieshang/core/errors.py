"""The error pages, in Chinese and in the site's own layout (Django's stock 403 and 404
are bare English pages).

The 400 page says what was wrong with the request.

Django's default handler renders 400.html without the exception, so a person who typed
`year=42103` would not learn why the page refused. Only `BadRequest` messages are shown:
they are written for people (`core.params`, the NUL check). Other 400s — a
`SuspiciousOperation` such as a bad host header — may describe internals, so they get the
generic text.
"""

from django.core.exceptions import BadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _


def bad_request(request, exception=None):
    message = str(exception) if type(exception) is BadRequest else ""
    return render(request, "400.html", {"message": message}, status=400)


def _error_page(request, status: int, title, message, heading=None):
    """403, 404 and the expired-form page: one template, in the site's layout, or the
    portal's for a resident on the public portal."""
    portal = request.path.startswith("/portal/")
    context = {
        "layout": "portal/base.html" if portal else "base.html",
        "home": reverse("portal:home" if portal else "home"),
        "title": title,
        "heading": heading,
        "message": message,
    }
    return render(request, "error.html", context, status=status)


def page_not_found(request, exception=None):
    # The same page for "no such page" and "not yours": scoped look-ups answer 404.
    return _error_page(
        request,
        404,
        _("页面不存在"),
        _("您要打开的页面不存在，或者您没有查看它的权限。请检查地址是否正确，或从首页重新进入。"),
    )


def permission_denied(request, exception=None):
    return _error_page(
        request,
        403,
        _("没有权限"),
        _(
            "您的账号没有查看此页面或执行此操作的权限。"
            "如确需办理，请联系本单位的安全管理员分配相应角色。"
        ),
    )


def method_not_allowed(request):
    return _error_page(
        request,
        405,
        _("无法直接打开"),
        _(
            "这个地址用于提交表单（点击页面上的按钮办理），不能直接在浏览器中打开。"
            "请回到相关页面，点击相应按钮办理。"
        ),
    )


def csrf_failure(request, reason=""):
    """A form posted from a page that has expired (logged out meanwhile, a page kept open for
    days): say so in words, not Django's English CSRF page."""
    return _error_page(
        request,
        403,
        _("页面已过期"),
        _(
            "这个页面打开的时间太长，或者您已在别处退出或重新登录，为安全起见本次提交没有被处理。"
            "请点浏览器的“后退”回到刚才的页面，复制好填写的内容，刷新页面后重新提交。"
        ),
        heading=_("页面已过期，提交未被处理"),
    )


def server_error(request, *args, **kwargs):
    """The 500 page, with the request id the user can quote to the office (core.logs); the
    same id is on the error's log line. Rendered without the request's context processors:
    they may need the database, which may be what failed."""
    from django.http import HttpResponseServerError
    from django.template import loader

    from .logs import current_request_id

    request_id = getattr(request, "request_id", "") or current_request_id()
    try:
        body = loader.get_template("500.html").render({"request_id": request_id})
    except Exception:  # noqa: BLE001 - the error page itself must not fail
        body = f"<h1>Server Error (500)</h1><p>{request_id}</p>"
    return HttpResponseServerError(body)
