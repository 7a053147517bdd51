"""What consultation topics put in the text index (textsim.index, found by autodiscovery):
the title, ticket, proposer and description, with a phone or ID number typed into the text
indexed masked, as every staff page shows it (a resident's suggestion from the portal may
hold one; a search for the whole number would tell which topic holds it)."""

from xieshang.textsim import index

from .models import Topic

index.register(
    Topic,
    title=[index.masked("title"), "ticket"],
    names=["proposer_name"],
    body=[index.masked("description")],
)
