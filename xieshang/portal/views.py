"""The public portal (no login): published proposal answers, searchable.

Nothing here shows contact data: proposers appear by name only, answers without their
contact person and phone, and every text passes through `scrub.strip_contacts`.
"""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from xieshang.core import search
from xieshang.core.params import paginate
from xieshang.proposals.selectors import matching
from xieshang.proposals.services import outcome_category_labels

from . import selectors
from .scrub import strip_contacts

PAGE_SIZE = 20
SEARCH_FIELDS = ["number", "title", "facts", "analysis", "suggestions", "proposer_body"]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=50, strip=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {"class": "form-control", "placeholder": _("如：加装电梯"), "type": "search"}
        )


def home(request):
    latest = (
        selectors.published_proposals()
        .select_related("organisation")
        .order_by("-published_at", "-id")[:5]
    )
    return render(request, "portal/home.html", {"latest": latest, "form": SearchForm()})


def proposal_list(request):
    form = SearchForm(request.GET or None)
    qs = selectors.published_proposals().select_related("organisation", "first_proposer")
    query = ""
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"]
        # A proposal number finds its proposal; anything else goes through the text index.
        qs = matching(qs, query, SEARCH_FIELDS)
    status = 200 if not form.is_bound or form.is_valid() else 400
    page = paginate(request, qs.order_by("-published_at", "-id"), PAGE_SIZE)
    narrower = []
    if query and not page.paginator.count:
        published = selectors.published_proposals()
        narrower = search.narrower(
            query, lambda word: matching(published, word, SEARCH_FIELDS).exists()
        )
    return render(
        request,
        "portal/proposal_list.html",
        {"form": form, "page": page, "query": query, "narrower": narrower},
        status=status,
    )


def proposal_detail(request, pk: int):
    proposal = (
        selectors.published_proposals()
        .select_related("organisation", "first_proposer")
        .filter(pk=pk)
        .first()
    )
    if proposal is None:
        raise Http404
    signers = list(selectors.public_signers(proposal))
    answers = list(selectors.public_answers(proposal))
    proposers = [m for m in [proposal.first_proposer, *(s.member for s in signers)] if m]
    # Known contact values of this item, removed from every text wherever they appear.
    known = selectors.contact_values(proposers, answers)
    categories = outcome_category_labels(proposal.organisation)
    sections = [
        (_("现状与问题"), strip_contacts(proposal.facts, known)),
        (_("原因分析"), strip_contacts(proposal.analysis, known)),
        (_("具体建议"), strip_contacts(proposal.suggestions, known)),
    ]
    public_answers = [
        {
            "department": a.assignment.department.name,
            "role": a.assignment.get_role_display(),
            "category": a.category,
            "category_label": categories.get(a.category, ""),
            "answered_at": a.sent_at,
            "text": strip_contacts(a.text, known),
        }
        for a in answers
    ]
    return render(
        request,
        "portal/proposal_detail.html",
        {
            "proposal": proposal,
            "title": strip_contacts(proposal.title, known),
            "proposer_names": [m.name for m in proposers],
            "sections": [(label, text) for label, text in sections if text],
            "answers": public_answers,
        },
    )
