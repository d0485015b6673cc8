from django.urls import path

from lantern.core import views, views_account

app_name = "core"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.verify_view, name="verify"),
    path("logout/", views.logout_view, name="logout"),
    path("account/2fa/", views.setup_2fa_view, name="setup_2fa"),
    path("account/", views_account.account_view, name="account"),
    path("account/password/", views_account.password_change_view, name="password_change"),
    path(
        "organisations/<int:organisation_id>/members/<int:member_id>/reset/",
        views_account.member_reset_view,
        name="member_reset",
    ),
    path("organisations/", views.organisations_view, name="organisations"),
    path("organisations/<int:organisation_id>/", views.organisation_view, name="organisation"),
    path(
        "organisations/<int:organisation_id>/break-glass/",
        views.break_glass_organisation_view,
        name="break_glass_organisation",
    ),
    path("audit/", views.audit_view, name="audit"),
    path("alerts/", views.alerts_view, name="alerts"),
    path("break-glass/", views.break_glass_review_view, name="break_glass_review"),
]
