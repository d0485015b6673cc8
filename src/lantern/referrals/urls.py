from django.urls import path

from lantern.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("minimum-package/", views.package_view, name="package"),
    *[
        path(f"<int:referral_id>/{action}/", views.answer_view, {"action": action}, name=action)
        for action in ("accept", "decline", "start", "complete", "cancel")
    ],
    path("case/<str:reference>/", views.refer_view, name="refer"),
    path("case/<str:reference>/send/", views.send_view, name="send"),
]
