"""The commendation round's pages (C5.8), included by `duty.urls` under commendation/."""

from django.urls import path

from . import views_awards

urlpatterns = [
    path("", views_awards.commendation, name="commendation"),
    path("<int:pk>/submit/", views_awards.commendation_submit, name="commendation_submit"),
    path("<int:pk>/decide/", views_awards.commendation_decide, name="commendation_decide"),
    path("<int:pk>/publish/", views_awards.commendation_publish, name="commendation_publish"),
    path("<int:pk>/decision.pdf", views_awards.commendation_document, name="commendation_document"),
]
