"""What consultation topics put in the text index (textsim.index, found by autodiscovery)."""

from xieshang.textsim import index

from .models import Topic

index.register(
    Topic,
    title=["title", "ticket"],
    names=["proposer_name"],
    body=["description"],
)
