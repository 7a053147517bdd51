from django.urls import path

from . import views

app_name = "platforms"
urlpatterns = [
    path("", views.platform_list, name="list"),
    path("new/", views.platform_create, name="create"),
    path("coverage/", views.coverage, name="coverage"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/record/", views.session_record, name="session_record"),
    path("sessions/<int:pk>/approve/", views.session_approve, name="session_approve"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("<int:pk>/", views.platform_detail, name="detail"),
    path("<int:pk>/edit/", views.platform_edit, name="edit"),
    path("<int:pk>/status/", views.platform_status, name="status"),
    path("<int:pk>/assign/", views.platform_assign, name="assign"),
    path(
        "<int:pk>/assign/<int:assignment_pk>/end/",
        views.platform_unassign,
        name="unassign",
    ),
    path("<int:pk>/sessions/new/", views.session_create, name="session_create"),
]
