from django.apps import AppConfig


class SheltersConfig(AppConfig):
    name = "lantern.shelters"
    label = "shelters"
    verbose_name = "Shelters"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _
        from django.utils.translation import pgettext_lazy

        from lantern.cases.codes import TIMELINE
        from lantern.core import navigation
        from lantern.core.permissions import can
        from lantern.providers import capacity
        from lantern.shelters import selectors
        from lantern.shelters.models import Restriction
        from lantern.shelters.permissions import ShelterAction

        # Routing reads accommodation capacity from the beds, through the counter the board uses (one truth).
        capacity.register_bed_counter(selectors.free_beds_for_routing, room_kinds=Restriction.values)
        from lantern.cases import closure

        closure.register_check("shelter_stay", selectors.open_before_closure)

        # The case timeline names what shelters wrote there (codes and ids only).
        TIMELINE.update(
            {
                "shelter_admit": pgettext_lazy("timeline", "Admitted to a shelter"),
                "shelter_quarantine_step": pgettext_lazy("timeline", "Quarantine step recorded"),
                "shelter_move": pgettext_lazy("timeline", "Moved to another bed"),
                "shelter_discharge": pgettext_lazy("timeline", "Discharged from the shelter"),
                "shelter_repatriation_plan": pgettext_lazy("timeline", "Repatriation planned"),
                "shelter_wait": pgettext_lazy("timeline", "Put on the shelter waiting list"),
            }
        )
        navigation.register(
            navigation.NavEntry(
                label=_("Beds"), url_name="shelters:board", visible=lambda u: can(u, ShelterAction.BOARD), order=25
            )
        )
