from django.urls import path

from . import views

app_name = "residents"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("export.xlsx", views.queue_export, name="export"),
    path("reject/", views.reject_bulk, name="reject_bulk"),
    path("new/", views.create, name="create"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("routed/", views.routed, name="routed"),
    path("routed/export.xlsx", views.routed_export, name="routed_export"),
    path("stats/", views.stats, name="stats"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
]
