import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xieshang.settings")
application = get_wsgi_application()

if os.environ.get("XIESHANG_WARMUP", "1") != "0":
    from xieshang.core import warmup

    warmup.run()
