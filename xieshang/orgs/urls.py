from django.urls import path

from . import views, views_reference

app_name = "orgs"
urlpatterns: list = [
    path("rules/", views.rules_home, name="rules_home"),
    path("<int:org_id>/rules/", views.rules, name="rules"),
    path("departments/<int:pk>/remit/", views.department_remit, name="department_remit"),
    # 基础数据 (views_reference)
    path("reference/", views_reference.home, name="reference_home"),
    path("<int:org_id>/terms/", views_reference.terms, name="terms"),
    path("terms/<int:term_pk>/sessions/add/", views_reference.session_add, name="session_add"),
    path("sessions/<int:pk>/edit/", views_reference.session_edit, name="session_edit"),
    path(
        "<int:org_id>/departments/", views_reference.listing, {"kind": "departments"}, "departments"
    ),
    path("<int:org_id>/sectors/", views_reference.listing, {"kind": "sectors"}, "sectors"),
    path("<int:org_id>/committees/", views_reference.listing, {"kind": "committees"}, "committees"),
    path(
        "departments/<int:pk>/edit/",
        views_reference.edit,
        {"kind": "departments"},
        "department_edit",
    ),
    path("sectors/<int:pk>/edit/", views_reference.edit, {"kind": "sectors"}, "sector_edit"),
    path(
        "committees/<int:pk>/edit/", views_reference.edit, {"kind": "committees"}, "committee_edit"
    ),
    path(
        "departments/<int:pk>/active/",
        views_reference.department_active,
        name="department_active",
    ),
]
