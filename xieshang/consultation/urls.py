from django.urls import path

from . import views, views_activities, views_exports, views_summary

app_name = "consultation"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("summary/", views_summary.summary_page, name="summary"),
    path("summary/pdf/", views_summary.summary_pdf, name="summary_pdf"),
    path("topics/", views.topics, name="topics"),
    path("topics/export.xlsx", views_exports.topics_export, name="topics_export"),
    path("topics/new/", views.topic_new, name="topic_new"),
    path("topics/moderation/", views.moderation, name="moderation"),
    path(
        "topics/moderation/bulk-reject/",
        views.moderation_bulk_reject,
        name="moderation_bulk_reject",
    ),
    path("topics/<int:pk>/", views.topic_detail, name="topic"),
    path("topics/<int:pk>/moderate/", views.topic_moderate, name="topic_moderate"),
    path("topics/<int:pk>/merge/", views.topic_merge, name="topic_merge"),
    path("plans/", views.plans, name="plans"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/items/new/", views.plan_item, name="plan_item_new"),
    path("plans/<int:pk>/items/<int:item_pk>/", views.plan_item, name="plan_item"),
    path(
        "plans/<int:pk>/items/<int:item_pk>/remove/",
        views.plan_item_remove,
        name="plan_item_remove",
    ),
    path("plans/<int:pk>/forward/", views.plan_forward, name="plan_forward"),
    path("plans/<int:pk>/send-back/", views.plan_send_back, name="plan_send_back"),
    path("plans/<int:pk>/comment/", views.plan_comment, name="plan_comment"),
    path("plans/<int:pk>/diff/", views.plan_diff, name="plan_diff"),
    path("plans/<int:pk>/pdf/", views.plan_pdf, name="plan_pdf"),
    path("party-plans/", views_activities.party_plans, name="party_plans"),
    path("party-plans/<int:pk>/", views_activities.party_plan_detail, name="party_plan"),
    path(
        "party-plans/<int:pk>/<str:action>/",
        views_activities.party_plan_action,
        name="party_plan_action",
    ),
    path("activities/", views_activities.activities, name="activities"),
    path(
        "activities/export.xlsx", views_exports.activities_export, name="activities_export"
    ),
    path("activities/new/", views_activities.activity_new, name="activity_new"),
    path("activities/<int:pk>/", views_activities.activity_detail, name="activity"),
    path(
        "activities/<int:pk>/participants/",
        views_activities.activity_participants,
        name="activity_participants",
    ),
    path("activities/<int:pk>/hold/", views_activities.activity_hold, name="activity_hold"),
    path("activities/<int:pk>/speech/", views_activities.activity_speech, name="activity_speech"),
    path(
        "activities/<int:pk>/attachment/",
        views_activities.activity_attachment,
        name="activity_attachment",
    ),
    path("activities/<int:pk>/outcomes/new/", views_activities.outcome_new, name="outcome_new"),
    path("outcomes/", views_activities.outcomes, name="outcomes"),
    path("outcomes/<int:pk>/", views_activities.outcome_detail, name="outcome"),
    path("outcomes/<int:pk>/submit/", views_activities.outcome_submit, name="outcome_submit"),
    path(
        "outcomes/<int:pk>/in-decision/",
        views_activities.outcome_in_decision,
        name="outcome_in_decision",
    ),
    path("outcomes/<int:pk>/decide/", views_activities.outcome_decide, name="outcome_decide"),
    path("outcomes/<int:pk>/close/", views_activities.outcome_close, name="outcome_close"),
]
