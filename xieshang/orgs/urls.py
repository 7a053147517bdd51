from django.urls import path

from . import views

app_name = "orgs"
urlpatterns: list = [
    path("rules/", views.rules_home, name="rules_home"),
    path("<int:org_id>/rules/", views.rules, name="rules"),
    path("departments/<int:pk>/remit/", views.department_remit, name="department_remit"),
]
