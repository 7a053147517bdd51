"""What members put in the text index (textsim.index, found by autodiscovery): the name and
the employer and post (工作单位及职务), which the members list searches; no personal data."""

from xieshang.textsim import index

from .models import Member

index.register(Member, names=["name"], body=["employer"], organisation="organisation_id")
