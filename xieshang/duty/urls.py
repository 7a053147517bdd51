from django.urls import include, path

from . import views

app_name = "duty"
urlpatterns = [
    path("", views.my_file, name="my_file"),
    path("members/<int:pk>/", views.member_file, name="member_file"),
    path("entries/new/", views.entry_new, name="entry_new"),
    path("entries/", views.entries, name="entries"),
    path("entries/<int:pk>/decide/", views.entry_decide, name="entry_decide"),
    path("evaluation/", views.evaluation, name="evaluation"),
    path("evaluation/export/", views.evaluation_export, name="evaluation_export"),
    # The annual commendation round (C5.8): candidates, selection, decision, publication.
    path("commendation/", include("xieshang.duty.urls_awards")),
    path("rules/", views.rules_edit, name="rules"),
    path("cases/", views.cases, name="cases"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/exit/", views.case_exit, name="case_exit"),
    path("certificate/", views.certificate, name="certificate"),
]
