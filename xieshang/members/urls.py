from django.urls import path

from . import views, views_people, views_profile

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("me/", views_profile.my_profile, name="me"),
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
    # Issue 11: talks and visits (C3.3), Party groups (C6.2), conveners (C5.5).
    path("contacts/", views_people.contact_list, name="contacts"),
    path("contacts/new/", views_people.contact_create, name="contact_create"),
    path("contacts/report/", views_people.contact_report, name="contact_report"),
    path(
        "contacts/report/export/",
        views_people.contact_report_export,
        name="contact_report_export",
    ),
    path("party-groups/", views_people.party_groups, name="party_groups"),
    path("party-groups/new/", views_people.party_group_create, name="party_group_create"),
    path("party-groups/assign/", views_people.party_group_assign, name="party_group_assign"),
    path("party-groups/remove/", views_people.party_group_remove, name="party_group_remove"),
    path("party-groups/export/", views_people.party_groups_export, name="party_groups_export"),
    path("conveners/", views_people.conveners_page, name="conveners"),
    path("conveners/convener/", views_people.convener_set, name="convener_set"),
    path("conveners/street/", views_people.street_convener_set, name="street_convener_set"),
    path("conveners/activity/", views_people.convener_activity, name="convener_activity"),
    path("conveners/resident/", views_people.resident_add, name="resident_add"),
    path("conveners/resident/remove/", views_people.resident_remove, name="resident_remove"),
    path("checks/export/<slug:table>/", views.checks_export, name="checks_export"),
]
