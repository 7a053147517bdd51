from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TextsimConfig(AppConfig):
    name = "xieshang.textsim"
    label = "textsim"
    verbose_name = _("文本相似度")
