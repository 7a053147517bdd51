from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("export/", views.member_export, name="export"),
    path("new/", views.member_create, name="create"),
    path("import/", views.member_import, name="import"),
    path("import/template/", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
    path(
        "<int:pk>/seats/<int:membership_pk>/status/",
        views.membership_status,
        name="membership_status",
    ),
    path("checks/", views.checks, name="checks"),
    path("checks/export/<slug:table>/", views.checks_export, name="checks_export"),
]
