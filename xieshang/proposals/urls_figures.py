"""/proposals/figures/: department and session figures with Excel export."""

from django.urls import path

from . import figures, report

urlpatterns = [
    path("", figures.figures_page, name="figures"),
    path("export.xlsx", figures.figures_export, name="figures_export"),
    path("report/", report.report_page, name="work_report"),
    path("report.pdf", report.report_pdf, name="work_report_pdf"),
]
