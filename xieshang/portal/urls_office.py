from django.urls import path

from . import views_office

app_name = "screening"
urlpatterns = [
    path("terms/", views_office.terms, name="terms"),
    path("terms/<int:pk>/toggle/", views_office.term_toggle, name="term_toggle"),
]
