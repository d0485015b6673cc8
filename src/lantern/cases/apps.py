from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "lantern.cases"
    label = "cases"
    verbose_name = "Case registry"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lantern.cases import permissions  # noqa: F401  (registers the case actions)
