"""WSGI entry of the throughput bench: the product's application, except that paths under
/_bench/bare go to a second Django handler built with no middleware at all (the bare view).

    gunicorn bench.wsgi_bench:application   (bench/load.py starts it)
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_bench")

from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application
from django.test.utils import override_settings

product = get_wsgi_application()
with override_settings(MIDDLEWARE=[]):
    bare = WSGIHandler()

BARE_PREFIX = "/_bench/bare"


def application(environ, start_response):
    if environ.get("PATH_INFO", "").startswith(BARE_PREFIX):
        return bare(environ, start_response)
    return product(environ, start_response)
