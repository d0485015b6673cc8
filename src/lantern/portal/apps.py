from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "lantern.portal"
    label = "portal"
    verbose_name = "Portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from datetime import timedelta

        from django.utils.translation import gettext_lazy as _

        from lantern.core import errors, navigation, periodic
        from lantern.core.permissions import can
        from lantern.portal.permissions import PortalAction
        from lantern.portal.selectors import answers_call_backs, new_intakes_count
        from lantern.portal.views import unavailable_page

        # The portal's own 503 page when the database is away (no system name, the visitor's language).
        errors.register_unavailable_page("/help/", unavailable_page)
        periodic.register(
            "portal.housekeeping", every=timedelta(hours=1), function="lantern.portal.services.portal_housekeeping"
        )
        navigation.register(
            navigation.NavEntry(
                label=_("Call-backs"),
                url_name="portal:intakes",
                visible=answers_call_backs,
                count=new_intakes_count,
                count_label=_("new"),
                order=35,
            )
        )
        navigation.register(
            navigation.NavEntry(
                label=_("Portal messages"),
                url_name="portal:messages",
                visible=lambda u: can(u, PortalAction.MESSAGES),
                order=80,
            )
        )
