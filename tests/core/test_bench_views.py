"""The throughput bench's ceiling views (bench/urls_bench.py) exist only under the bench's own
settings: the product never serves them, logged in or not."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/_bench/one-query/", "/_bench/bare/", "/_bench/bare-hello/"])
def test_the_product_does_not_serve_the_bench_views(client, path):
    assert client.get(path).status_code == 404
    client.force_login(UserFactory())
    assert client.get(path).status_code == 404


def test_the_bench_urls_add_only_their_views_to_the_product(settings):
    from django.urls import resolve

    settings.ROOT_URLCONF = "bench.urls_bench"
    assert resolve("/_bench/one-query/").func.__name__ == "one_query"
    assert resolve("/").url_name == "home"
