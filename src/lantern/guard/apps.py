from django.apps import AppConfig


class GuardConfig(AppConfig):
    """Management commands only: no models, templates, static files or translations that could shadow another
    app's."""

    name = "lantern.guard"
    label = "lantern_guard"
    verbose_name = "Lantern console guard"
