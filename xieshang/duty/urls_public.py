from django.urls import path

from . import views

app_name = "duty_public"
urlpatterns = [path("", views.verify, name="verify")]
