"""/proposals/figures/: department and session figures with Excel export."""

from django.urls import path

from . import figures

urlpatterns = [
    path("", figures.figures_page, name="figures"),
    path("export.xlsx", figures.figures_export, name="figures_export"),
]
