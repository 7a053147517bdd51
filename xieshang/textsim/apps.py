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
