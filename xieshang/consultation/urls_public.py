from django.urls import path

from . import views_public

app_name = "consultation_public"
urlpatterns = [
    path("", views_public.submit, name="submit"),
    path("thanks/<str:ticket>/", views_public.thanks, name="thanks"),
    path("lookup/", views_public.lookup, name="lookup"),
]
