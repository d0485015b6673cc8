from django.apps import AppConfig


class CrisisConfig(AppConfig):
    name = "lantern.crisis"
    label = "crisis"
    verbose_name = "Crisis mode"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from lantern.core import navigation, regions
        from lantern.core.permissions import can
        from lantern.crisis import selectors
        from lantern.crisis.permissions import CrisisAction

        regions.register("crisis.areas", selectors.crisis_regions)
        from lantern.cases import residence

        if selectors.permit_offices_closed not in residence.OFFICES_CLOSED:
            residence.OFFICES_CLOSED.append(selectors.permit_offices_closed)
        from lantern.cases import returns

        returns.register_border_check(selectors.border_closure_in)

        navigation.register(
            navigation.NavEntry(
                label=_("Crisis"), url_name="crisis:overview", visible=lambda u: can(u, CrisisAction.VIEW), order=30
            )
        )
