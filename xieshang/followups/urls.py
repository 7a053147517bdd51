from django.urls import path

from . import views

app_name = "followups"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("instructions/", views.instructions, name="instructions"),
    path("instructions/new/<str:target>/<int:pk>/", views.instruction_new, name="instruction_new"),
    path("assessment/", views.assessment, name="assessment"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/feedback/", views.feedback, name="feedback"),
    path("<int:pk>/extension/", views.extension, name="extension"),
    path(
        "<int:pk>/extension/<int:ext_pk>/decide/", views.extension_decision, name="extension_decide"
    ),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
]
