"""Open data is published in Chinese: a reader browsing in English downloads the same
Chinese file (headers and values: 区住房和城乡建设局（主办）, B类), not a mix of Chinese
data and English labels ("（Lead）")."""

import re

import pytest
from django.core.cache import caches

from tests.portal.test_opendata import (  # noqa: F401 - world is a fixture
    add_published,
    csv_url,
    json_url,
    read_csv,
    read_json,
    world,
)

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
ADDRESS = re.compile(r"https?://\S*")
DATASETS = ["proposals", "resident-answers", "platform-sessions", "consultation-outcomes"]


def _words(text: str) -> list[str]:
    return LATIN_WORD.findall(ADDRESS.sub(" ", text))


@pytest.mark.parametrize("key", DATASETS)
def test_every_dataset_is_the_same_chinese_file_for_an_english_reader(client, world, key):  # noqa: F811
    add_published(world, key, 1)
    chinese_csv = client.get(csv_url(key)).content
    caches["files"].clear()  # built again for the English reader, not served from the cache
    client.cookies["django_language"] = "en"
    rows = read_csv(client.get(csv_url(key)))
    assert _words(" ".join(cell for row in rows for cell in row)) == []
    data = read_json(client.get(json_url(key)))
    labels = [f["label"] for f in data["fields"]]
    items = [str(v) for item in data["items"] for k, v in item.items() if k != "url"]
    assert _words(" ".join(labels + items)) == []
    assert client.get(csv_url(key)).content == chinese_csv


def test_the_proposals_unit_and_result_read_in_chinese_in_english(client, world):  # noqa: F811
    add_published(world, "proposals", 1)
    client.cookies["django_language"] = "en"
    rows = read_csv(client.get(csv_url("proposals")))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["办理单位"] == "区住房和城乡建设局（主办）"
    assert row["办理结果"].startswith("B类 ")
