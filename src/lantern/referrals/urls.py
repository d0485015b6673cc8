from django.urls import path, register_converter

from lantern.referrals import views

app_name = "referrals"


class PublicIdConverter:
    """A referral's random public id (referrals.models.new_public_id); anything else is not a referral URL."""

    regex = "[0-9a-f]{32}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return str(value)


register_converter(PublicIdConverter, "referral_id")

urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("minimum-package/", views.package_view, name="package"),
    path("<referral_id:referral_id>/", views.detail_view, name="detail"),
    *[
        path(f"<referral_id:referral_id>/{action}/", views.answer_view, {"action": action}, name=action)
        for action in ("accept", "decline", "start", "complete", "cancel")
    ],
    path("case/<str:reference>/", views.refer_view, name="refer"),
    path("case/<str:reference>/send/", views.send_view, name="send"),
]
