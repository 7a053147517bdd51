from django.urls import path

from . import views

app_name = "nominations"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("new/", views.round_create, name="create"),
    path("limits/", views.limits, name="limits"),
    path("<int:pk>/", views.round_detail, name="detail"),
    path("<int:pk>/seats/", views.round_seats, name="seats"),
    path("<int:pk>/nominate/", views.candidate_new, name="nominate"),
    path("<int:pk>/confirm/", views.round_confirm, name="confirm"),
    path("<int:pk>/cancel/", views.round_cancel, name="cancel"),
    path("<int:pk>/composition/", views.composition_preview, name="composition"),
    path("<int:pk>/roster.xlsx", views.roster_xlsx, name="roster_xlsx"),
    path("<int:pk>/roster.pdf", views.roster_pdf, name="roster_pdf"),
    path("candidates/<int:pk>/", views.candidate_detail, name="candidate"),
    path(
        "candidates/<int:pk>/consultation/",
        views.candidate_consultation,
        name="consultation",
    ),
    path("candidates/<int:pk>/opinion/", views.candidate_opinion, name="opinion"),
    path("candidates/<int:pk>/complete/", views.candidate_complete, name="complete"),
    path("candidates/<int:pk>/edit/", views.candidate_correct, name="correct"),
    path("candidates/<int:pk>/withdraw/", views.candidate_withdraw, name="withdraw"),
]
