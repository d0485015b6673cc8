from django.urls import path

from lantern.referrals import urls as referral_urls  # noqa: F401  (registers the referral_id converter)
from lantern.shelters import views

app_name = "shelters"

urlpatterns = [
    path("", views.board_view, name="board"),
    path("<int:organisation_id>/residents/", views.residents_view, name="residents"),
    path("admit/<referral_id:referral_id>/", views.admit_referral_view, name="admit_referral"),
    *[
        path(f"stays/<int:stay_id>/{action}/", views.stay_action_view, {"action": action}, name=f"stay_{action}")
        for action in ("move", "step", "discharge", "repatriation")
    ],
]
