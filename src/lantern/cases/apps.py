from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "lantern.cases"
    label = "cases"
    verbose_name = "Case registry"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from datetime import timedelta

        from django.utils.translation import gettext_lazy as _

        from lantern.cases.permissions import CaseAction  # registers the case actions
        from lantern.core import navigation, periodic
        from lantern.core.api import BREAK_GLASS_TARGETS

        # Before a foreign victim's residence permit runs out (once per permit and threshold: safe to run twice).
        periodic.register(
            "cases.permit_expiry", every=timedelta(hours=6), function="lantern.cases.residence.permits_alert_expiry"
        )
        BREAK_GLASS_TARGETS["cases.case"] = ("cases.Case", "reference")
        from lantern.cases import identification

        identification.ready()
        from lantern.cases import codes
        from lantern.core import words

        words.register("contact_route", lambda: codes.CONTACT_ROUTES)
        # The dimensions the dashboards break figures down by (insights.indicators.DIMENSIONS).
        words.register("sex", lambda: dict(codes.Gender.choices))
        words.register("form", lambda: codes.EXPLOITATION)
        words.register("platform", lambda: codes.PLATFORMS)
        from datetime import timedelta

        from lantern.core import periodic
        from lantern.core.permissions import can

        # A return waits while the destination's border is closed, and is planned again when it opens.
        periodic.register("cases.returns", every=timedelta(minutes=5), function="lantern.cases.returns.returns_refresh")
        navigation.register(
            navigation.NavEntry(
                label=_("Cases"), url_name="cases:list", visible=lambda u: can(u, CaseAction.VIEW), order=10
            )
        )
        navigation.register(
            navigation.NavEntry(
                label=_("Competent authority"),
                url_name="cases:nrm",
                visible=lambda u: can(u, CaseAction.NRM_STATUS),
                order=11,
            )
        )
