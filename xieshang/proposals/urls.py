from django.urls import include, path

from . import views, views_committee, views_documents

app_name = "proposals"
urlpatterns = [
    path("dept/", include("xieshang.proposals.urls_department")),
    path("figures/", include("xieshang.proposals.urls_figures")),
    *views.urlpatterns,
    *views_committee.urlpatterns,
    *views_documents.urlpatterns,
]
