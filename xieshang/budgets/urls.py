from django.urls import path

from . import views

app_name = "budgets"
urlpatterns = [
    path("", views.sheet, name="sheet"),
    path("export/", views.sheet_xlsx, name="sheet_xlsx"),
    path("new/", views.line_create, name="create"),
    path("<int:pk>/", views.line_detail, name="line"),
    path("<int:pk>/edit/", views.line_edit, name="edit"),
    path("<int:pk>/spend/", views.spend, name="spend"),
    path("<int:pk>/entries/<int:entry_pk>/void/", views.void, name="void"),
]
