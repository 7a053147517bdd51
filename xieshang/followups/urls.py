from django.urls import path

from . import views

app_name = "followups"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("instructions/", views.instructions, name="instructions"),
    path("instructions/received/", views.received, name="received"),
    path("instructions/new/<str:target>/<int:pk>/", views.instruction_new, name="instruction_new"),
    path("referrals/", views.referrals, name="referrals"),
    path("referrals/new/<str:kind>/<int:pk>/", views.referral_new, name="referral_new"),
    path("referrals/<int:pk>/<str:action>/", views.referral_decide, name="referral_decide"),
    path("assessment/", views.assessment, name="assessment"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/feedback/", views.feedback, name="feedback"),
    path("<int:pk>/extension/", views.extension, name="extension"),
    path(
        "<int:pk>/extension/<int:ext_pk>/decide/", views.extension_decision, name="extension_decide"
    ),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/urge/", views.urge, name="urge"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
]
