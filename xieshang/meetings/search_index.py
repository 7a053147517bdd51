"""What meetings put in the text index (textsim.index, found by autodiscovery)."""

from xieshang.textsim import index

from .models import Meeting

index.register(
    Meeting,
    title=["title"],
    body=["host", "location", "description", "attendees_text", "report"],
    organisation="organisation_id",
)
