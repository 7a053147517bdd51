from django.urls import include, path

from . import views, views_contacts, views_report

app_name = "duty"
urlpatterns = [
    path("", views.my_file, name="my_file"),
    path("members/<int:pk>/", views.member_file, name="member_file"),
    path("entries/new/", views.entry_new, name="entry_new"),
    path("members/<int:pk>/entries/new/", views.entry_for_member, name="entry_for_member"),
    path("entries/", views.entries, name="entries"),
    path("entries/<int:pk>/decide/", views.entry_decide, name="entry_decide"),
    path("evaluation/", views.evaluation, name="evaluation"),
    path("evaluation/export/", views.evaluation_export, name="evaluation_export"),
    # The annual commendation round (C5.8): candidates, selection, decision, publication.
    path("commendation/", include("xieshang.duty.urls_awards")),
    path("rules/", views.rules_edit, name="rules"),
    path("cases/", views.cases, name="cases"),
    path("cases/export.xlsx", views.cases_export, name="cases_export"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/exit/", views.case_exit, name="case_exit"),
    path("certificate/", views.certificate, name="certificate"),
    # The office issues a member's certificate for them (the member is not at a computer).
    path("members/<int:pk>/certificate/", views.member_certificate, name="member_certificate"),
    # The annual duty report (年度履职报告, C5.7). Downloads end in .pdf or /export/ so
    # that the link crawls (tests/crawling.py) do not render PDFs.
    path("report.pdf", views_report.my_report, name="my_report"),
    path("members/<int:pk>/report.pdf", views_report.member_report, name="member_report"),
    path("reports/", views_report.reports, name="reports"),
    path("reports/export/", views_report.reports_download, name="reports_download"),
    # Members' contacts with the people of their sector, per sector (C3.4).
    path("sector-contacts/", views_contacts.report, name="sector_contacts"),
    path("sector-contacts/sector/", views_contacts.sector_entries, name="sector_contacts_sector"),
    path("sector-contacts/export/", views_contacts.export, name="sector_contacts_export"),
]
