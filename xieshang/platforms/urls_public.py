from django.urls import path

from . import views_public

app_name = "platforms_public"
urlpatterns = [
    path("", views_public.index, name="index"),
    path("outcomes/", views_public.outcomes, name="outcomes"),
    path("outcomes/<int:pk>/", views_public.outcome, name="outcome"),
    path("streets/<int:pk>/", views_public.street, name="street"),
]
