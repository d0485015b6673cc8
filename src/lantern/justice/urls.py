from django.urls import path, register_converter

from lantern.justice import views

app_name = "justice"


class FeedTokenConverter:
    """A calendar feed's secret (secrets.token_urlsafe(32)): random, never a word anyone typed."""

    regex = "[A-Za-z0-9_-]{43}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FeedTokenConverter, "feed_token")

urlpatterns = [
    path("", views.hearings_view, name="hearings"),
    path("find/", views.find_case_view, name="find_case"),
    path("to-reschedule/", views.to_reschedule_view, name="to_reschedule"),
    path("backlog/", views.backlog_view, name="backlog"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("calendar/feeds/", views.feeds_view, name="feeds"),
    path("calendar/feeds/<int:feed_id>/revoke/", views.feed_revoke_view, name="feed_revoke"),
    # A calendar application's address: no session, the secret in the path (never logged by Lantern).
    path("calendar/feed/<feed_token:token>.ics", views.feed_view, name="feed"),
    path("case/<str:reference>/", views.case_view, name="case"),
    path("case/<str:reference>/open/", views.proceeding_open_view, name="proceeding_open"),
    path("proceeding/<int:proceeding_id>/", views.proceeding_view, name="proceeding"),
    path("proceeding/<int:proceeding_id>/hearings/", views.hearing_schedule_view, name="hearing_schedule"),
    path("proceeding/<int:proceeding_id>/measures/", views.protective_measure_view, name="protective_measure"),
    path("proceeding/<int:proceeding_id>/defendants/", views.defendant_add_view, name="defendant_add"),
    path("proceeding/<int:proceeding_id>/compensation/", views.compensation_claim_view, name="compensation_claim"),
    path("proceeding/<int:proceeding_id>/representative/", views.representative_view, name="representative"),
    path("defendant/<int:defendant_id>/outcome/", views.defendant_outcome_view, name="defendant_outcome"),
    path("defendant/<int:defendant_id>/perpetrator/", views.defendant_link_view, name="defendant_link"),
    path("measure/<int:measure_id>/decision/", views.measure_decide_view, name="measure_decide"),
    *[
        path(
            f"compensation/<int:compensation_id>/{action}/",
            views.compensation_action_view,
            {"action": action},
            name=f"compensation_{action}",
        )
        for action in ("award", "pay", "fund")
    ],
    path("hearing/<int:hearing_id>/", views.hearing_view, name="hearing"),
    path("hearing/<int:hearing_id>/postpone/", views.hearing_postpone_view, name="postpone"),
    path("hearing/<int:hearing_id>/reschedule/", views.hearing_reschedule_view, name="reschedule"),
    path("hearing/<int:hearing_id>/mode/", views.hearing_mode_view, name="mode"),
    *[
        path(f"hearing/<int:hearing_id>/{action}/", views.hearing_action_view, {"action": action}, name=action)
        for action in ("hold", "cancel")
    ],
]
