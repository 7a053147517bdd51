from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TextsimConfig(AppConfig):
    name = "xieshang.textsim"
    label = "textsim"
    verbose_name = _("文本相似度")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app's `search_index.py` declares what it puts in the text index.
        autodiscover_modules("search_index")

        from xieshang.core import search, warmup

        from .search import index_terms
        from .text import segment

        search.set_splitter(lambda query: index_terms(query) or [])

        # jieba's dictionary takes about a second to build: before the first request.
        warmup.register(lambda: segment("政协委员提案"))
