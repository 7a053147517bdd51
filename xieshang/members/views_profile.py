"""我的信息: a member reads their own record and keeps their contact data up to date."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from xieshang.core import access, pii
from xieshang.core.audit import StaleEdit
from xieshang.core.forms import add_service_errors

from . import selectors, services
from .forms_profile import ContactForm


@login_required
def my_profile(request):
    """The logged-in member's own record: the office's data read-only (seats, sector, party,
    committees), the contact data in a form. Staff without a member record get a 404."""
    member = access.member_of(request.user)
    if member is None:
        raise Http404
    form = ContactForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data.get(name) or "" for name in services.CONTACT_FIELDS}
        try:
            changed = services.member_update_contact(
                member=member,
                expected_version=form.cleaned_data["version"],
                data=data,
                actor=request.user,
            )
        except StaleEdit as exc:
            add_service_errors(form, exc)
        else:
            if changed:
                messages.success(request, _("已保存您的联系方式，政协办公室已收到变更通知。"))
            else:
                messages.info(request, _("联系方式没有变化。"))
            return redirect("members:me")
    return render(
        request,
        "members/me.html",
        {
            "member": member,
            # A former member is told what the account still does (reads) and does not.
            "former": access.is_former_member(request.user),
            "memberships": selectors.memberships_of(member),
            "id_number": pii.mask_id_number(member.id_number),
            "form": form,
        },
        # A refused POST (invalid, stale) answers 400 with what was typed kept.
        status=400 if request.method == "POST" else 200,
    )
