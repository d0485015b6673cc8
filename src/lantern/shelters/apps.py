from django.apps import AppConfig


class SheltersConfig(AppConfig):
    name = "lantern.shelters"
    label = "shelters"
    verbose_name = "Shelters"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from datetime import timedelta

        from django.utils.translation import gettext_lazy as _

        from lantern.core import navigation, periodic
        from lantern.core.permissions import can
        from lantern.shelters.permissions import ShelterAction

        periodic.register(
            "shelters.repatriations",
            every=timedelta(minutes=5),
            function="lantern.shelters.services.repatriations_refresh",
        )
        navigation.register(
            navigation.NavEntry(
                label=_("Beds"), url_name="shelters:board", visible=lambda u: can(u, ShelterAction.BOARD), order=25
            )
        )
