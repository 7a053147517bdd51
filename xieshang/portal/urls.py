from django.urls import path

from . import views, views_data

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("data/", views_data.index, name="data"),
    path("data/<slug:key>.csv", views_data.dataset_csv, name="data_csv"),
    path("data/<slug:key>.json", views_data.dataset_json, name="data_json"),
]
