"""What residents' issues (群众诉求) put in the text index (textsim.index, found by
autodiscovery): the matter, its ticket and place and the description; never the resident's
name or phone, nor a phone or ID number typed into the text (indexed masked, as every
staff page shows it: a search for the whole number would tell that an issue holds it)."""

from xieshang.textsim import index

from .models import ResidentIssue

index.register(
    ResidentIssue,
    title=[index.masked("title"), "ticket"],
    body=[index.masked("location"), index.masked("description")],
)
