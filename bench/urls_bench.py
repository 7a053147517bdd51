"""The product's URLs plus the framework-ceiling views of the throughput bench (bench/load.py).

Used only by bench/settings_bench.py: a deployment never serves these paths.
"""

from django.http import HttpResponse
from django.urls import include, path

from xieshang.orgs.models import Organisation
from xieshang.urls import handler400, handler500  # noqa: F401


def one_query(request):
    """One small indexed query and a short text answer: what any page costs at the least."""
    first = Organisation.objects.order_by("pk").values_list("pk", flat=True).first()
    return HttpResponse(f"ok {first}", content_type="text/plain")


def hello(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    # Behind the product's middleware (the ceiling of every page).
    path("_bench/one-query/", one_query),
    # Served by bench.wsgi_bench's second handler, which has no middleware at all.
    path("_bench/bare/", one_query),
    path("_bench/bare-hello/", hello),
    path("", include("xieshang.urls")),
]
