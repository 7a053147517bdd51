"""What residents' issues (群众诉求) put in the text index (textsim.index, found by
autodiscovery): the matter, its ticket and place and the description; never the resident's
name or phone, nor a phone or ID number typed into the text (indexed masked, as every
staff page shows it: a search for the whole number would tell that an issue holds it)."""

from xieshang.core.pii import mask_numbers
from xieshang.textsim import index

from .models import ResidentIssue


def _masked(field: str):
    def text(issue) -> str:
        return mask_numbers(getattr(issue, field) or "")

    text.__name__ = f"masked_{field}"
    text.reads = (field,)  # textsim.index re-indexes only when one of these is saved
    return text


index.register(
    ResidentIssue,
    title=[_masked("title"), "ticket"],
    body=[_masked("location"), _masked("description")],
)
