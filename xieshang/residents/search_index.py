"""What residents' issues (群众诉求) put in the text index (textsim.index, found by
autodiscovery): the matter, its ticket and place and the description; never the resident's
name or phone."""

from xieshang.textsim import index

from .models import ResidentIssue

index.register(
    ResidentIssue,
    title=["title", "ticket"],
    body=["location", "description"],
)
