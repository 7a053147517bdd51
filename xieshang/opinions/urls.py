from django.urls import path

from . import views, views_summary

app_name = "opinions"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.create, name="create"),
    path("received/", views.received, name="received"),
    path("queue/", views.queue, name="queue"),
    path("upward/", views.upward, name="upward"),
    path("stats/", views.stats, name="stats"),
    path("summary/", views_summary.summary_page, name="summary"),
    path("summary/pdf/", views_summary.summary_pdf, name="summary_pdf"),
    path("issues/", views.issues, name="issues"),
    path("issues/new/", views.issue_create, name="issue_create"),
    path("issues/<int:pk>/", views.issue, name="issue"),
    path("issues/<int:pk>/pdf/", views.issue_pdf, name="issue_pdf"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/adopt/", views.adopt, name="adopt"),
    path("<int:pk>/instruct/", views.instruct, name="instruct"),
    path("<int:pk>/adoptions/<int:adoption_pk>/edit/", views.adoption_edit, name="adoption_edit"),
    path("<int:pk>/adoptions/<int:adoption_pk>/void/", views.adoption_void, name="adoption_void"),
    path("<int:pk>/<slug:action>/", views.decide, name="decide"),
]
