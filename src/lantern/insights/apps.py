from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "lantern.insights"
    label = "insights"
    verbose_name = "Insights"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from datetime import timedelta

        from django.utils.translation import gettext_lazy as _

        from lantern.core import navigation, periodic, words
        from lantern.core.permissions import can
        from lantern.insights.permissions import InsightAction

        # Incremental every quarter of an hour (only the months that changed); everything once a day.
        periodic.register(
            "insights.refresh", every=timedelta(minutes=15), function="lantern.insights.services.refresh_job"
        )
        periodic.register(
            "insights.refresh_full", every=timedelta(hours=24), function="lantern.insights.services.refresh_full_job"
        )
        from lantern.insights import dashboards

        # The dimensions the indicators compute (the others are the cases' codes, registered by the cases app).
        words.register("child", lambda: dashboards.CHILD_NAMES)
        words.register("disability", lambda: dashboards.DISABILITY_NAMES)
        words.register("at_risk", dashboards.at_risk_names)
        navigation.register(
            navigation.NavEntry(
                label=_("Indicators"),
                url_name="insights:dashboard",
                visible=lambda u: can(u, InsightAction.VIEW),
                order=60,
            )
        )
