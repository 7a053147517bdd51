"""A proposal's documents: its attachments (附件) and its printed form (提案表, as a print
page and as a PDF). Everything here is for whoever may see the proposal; attachments are
added and removed by the first proposer while the proposal can still be edited."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from xieshang.core.audit import TransitionError
from xieshang.core.pdf import pdf_response

from . import forms, pdf, policies, selectors, services
from .models import Attachment


def _get_proposal(request, pk: int):
    proposal = selectors.proposal_for_detail(pk)
    # The same answer for "no such proposal" and "not yours": existence does not leak.
    if proposal is None or not policies.can_view(request.user, proposal):
        raise Http404
    return proposal


@login_required
@require_POST
def attachment_add(request, pk: int):
    from .views import _render_detail

    proposal = _get_proposal(request, pk)
    if not policies.is_first_proposer(request.user, proposal):
        raise PermissionDenied
    form = forms.AttachmentForm(request.POST, request.FILES, prefix="attachment")
    if form.is_valid():
        try:
            services.attachment_add(
                proposal=proposal, actor=request.user, file=form.cleaned_data["file"]
            )
        except TransitionError as exc:
            # Submitted meanwhile: the page no longer offers the upload; say why.
            messages.error(request, str(exc))
            return redirect(proposal.get_absolute_url())
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            messages.success(request, _("附件已上传。"))
            return redirect(proposal.get_absolute_url())
    return _render_detail(request, proposal, attachment_form=form, status=400)


@login_required
@require_POST
def attachment_remove(request, pk: int, attachment_pk: int):
    proposal = _get_proposal(request, pk)
    attachment = Attachment.objects.filter(pk=attachment_pk, proposal=proposal).first()
    if attachment is None:
        raise Http404
    if not policies.is_first_proposer(request.user, proposal):
        raise PermissionDenied
    try:
        services.attachment_remove(attachment=attachment, actor=request.user)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("附件已删除。"))
    return redirect(proposal.get_absolute_url())


@login_required
def print_sheet(request, pk: int):
    proposal = _get_proposal(request, pk)
    return render(request, "proposals/print.html", pdf.proposal_sheet_context(proposal))


@login_required
@require_safe
def sheet_pdf(request, pk: int):
    proposal = _get_proposal(request, pk)
    return pdf_response(pdf.proposal_sheet(proposal), pdf.proposal_sheet_filename(proposal))


urlpatterns: list = [
    path("<int:pk>/attachments/", attachment_add, name="attachment_add"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/remove/",
        attachment_remove,
        name="attachment_remove",
    ),
    path("<int:pk>/print/", print_sheet, name="print"),
    path("<int:pk>/proposal.pdf", sheet_pdf, name="pdf"),
]
