from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "lantern.insights"
    label = "insights"
    verbose_name = "Insights"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lantern.insights import publication_app

        publication_app.ready()
