from django.apps import AppConfig


class SimulateConfig(AppConfig):
    name = "lantern.simulate"
    label = "simulate"
    verbose_name = "Crisis simulator"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lantern.simulate import permissions  # noqa: F401  (registers the simulator's rules)
