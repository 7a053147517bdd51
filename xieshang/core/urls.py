from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.generic import RedirectView

from . import (
    files,
    pickers,
    screen,
    tree,
    views,
    views_admin,
    views_health,
    views_help,
    views_jobs,
    views_search,
)

urlpatterns = [
    path("favicon.ico", views.favicon, name="favicon"),
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    # Our password change goes home when done; Django's own "done" page needs the admin.
    path(
        "accounts/password_change/done/",
        login_required(RedirectView.as_view(pattern_name="home")),
        name="password_change_done",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/tokens/", views.api_token_list, name="api_tokens"),
    path("accounts/tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("accounts/2fa/setup/", views.otp_setup, name="otp_setup"),
    path("accounts/2fa/verify/", views.otp_verify, name="otp_verify"),
    path("search/", views_search.search, name="search"),
    path("pickers/<slug:source>/", pickers.endpoint, name="picker"),
    path("jobs/<int:pk>/", views_jobs.job, name="job"),
    path("jobs/<int:pk>/download/", views_jobs.job_download, name="job_download"),
    path("inbox/", views.inbox, name="inbox"),
    path("help/", views_help.help_page, name="help"),
    path("dashboard/screen/", screen.screen_page, name="screen"),
    path("dashboard/tree/", tree.tree_page, name="tree"),
    path("dashboard/tree/<int:pk>/", tree.tree_page, name="tree_node"),
    path("inbox/<int:pk>/read/", views.inbox_read, name="inbox_read"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
    path("audit/", views_admin.audit_log, name="audit_log"),
    path("audit/export/", views_admin.audit_export, name="audit_export"),
    path("admin-duties/users/", views_admin.users, name="users"),
    path("admin-duties/users/new/", views_admin.user_create, name="user_create"),
    path(
        "admin-duties/paused-addresses/",
        views_admin.paused_addresses,
        name="paused_addresses",
    ),
    path("admin-duties/users/<int:pk>/", views_admin.user_detail, name="user_detail"),
    path(
        "admin-duties/users/<int:pk>/roles/<int:ra_pk>/remove/",
        views_admin.user_role_remove,
        name="user_role_remove",
    ),
    path(
        "admin-duties/users/<int:pk>/password-reset/",
        views_admin.user_password_reset,
        name="user_password_reset",
    ),
    path(
        "admin-duties/users/<int:pk>/active/", views_admin.user_set_active, name="user_set_active"
    ),
    path("admin-duties/users/<int:pk>/unlock/", views_admin.user_unlock, name="user_unlock"),
    path("admin-duties/users/<int:pk>/contact/", views_admin.user_contact, name="user_contact"),
    path(
        "admin-duties/users/<int:pk>/sessions/end/",
        views_admin.user_end_sessions,
        name="user_end_sessions",
    ),
    path(
        "admin-duties/users/<int:pk>/otp-reset/", views_admin.user_otp_reset, name="user_otp_reset"
    ),
    path("admin-duties/calendar/", views_admin.calendar_days, name="calendar_days"),
    path(
        "admin-duties/calendar/<int:pk>/remove/",
        views_admin.calendar_day_remove,
        name="calendar_day_remove",
    ),
    path("admin-duties/calendar/notice/", views_admin.holiday_notice, name="holiday_notice"),
    path("admin-duties/calendar/year/<int:year>/", views_admin.calendar_year, name="calendar_year"),
    path("admin-duties/organisations/", views_admin.organisations, name="organisations"),
    path(
        "admin-duties/organisations/<int:pk>/",
        views_admin.organisation_edit,
        name="organisation_edit",
    ),
    path("admin-duties/departments/", views_admin.department_order, name="department_order"),
    path("files/<str:label>/<int:pk>/<str:field>/", files.serve, name="file"),
    path("healthz", views.healthz, name="healthz"),
    path("health/", views_health.health, name="health"),
    path("health/live/", views_health.live, name="health_live"),
    path("", include([])),
]
