from django.apps import AppConfig


class SimulateConfig(AppConfig):
    name = "lantern.simulate"
    label = "simulate"
    verbose_name = "Crisis simulator"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from lantern.core import navigation
        from lantern.core.permissions import can
        from lantern.simulate.permissions import SimulateAction

        navigation.register(
            navigation.NavEntry(
                label=_("Simulator"),
                url_name="simulate:page",
                visible=lambda u: can(u, SimulateAction.RUN),
                order=65,
            )
        )
