from django.urls import path

from . import views_public

app_name = "residents_public"
urlpatterns = [
    path("", views_public.submit, name="submit"),
    path("thanks/", views_public.thanks, name="thanks"),
    path("lookup/", views_public.lookup, name="lookup"),
    path("lookup/rate/", views_public.rate, name="rate"),
    path("answers/", views_public.answers, name="answers"),
    path("answers/<int:pk>/", views_public.answer, name="answer"),
]
