from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "lantern.insights"
    label = "insights"
    verbose_name = "Insights"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from datetime import timedelta

        from django.utils.translation import gettext_lazy as _

        from lantern.core import navigation, periodic
        from lantern.core.permissions import can
        from lantern.insights.permissions import InsightAction

        # Incremental every quarter of an hour (only the months that changed); everything once a day.
        periodic.register(
            "insights.refresh", every=timedelta(minutes=15), function="lantern.insights.refresh.refresh_job"
        )
        periodic.register(
            "insights.refresh_full", every=timedelta(hours=24), function="lantern.insights.refresh.refresh_full_job"
        )
        navigation.register(
            navigation.NavEntry(
                label=_("Indicators"),
                url_name="insights:dashboard",
                visible=lambda u: can(u, InsightAction.VIEW),
                order=60,
            )
        )
