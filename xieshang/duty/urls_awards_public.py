"""Published commendation lists on the portal (C5.8): no login, names and units only."""

from django.urls import path

from . import views_awards

app_name = "awards_public"
urlpatterns = [
    path("", views_awards.public_list, name="list"),
    path("<int:pk>/", views_awards.public_detail, name="detail"),
]
