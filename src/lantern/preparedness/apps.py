from django.apps import AppConfig


class PreparednessConfig(AppConfig):
    name = "lantern.preparedness"
    label = "preparedness"
    verbose_name = "Preparedness"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from datetime import timedelta

        from django.utils.translation import gettext_lazy as _

        from lantern.core import navigation, panels, periodic
        from lantern.core.permissions import can
        from lantern.preparedness import views
        from lantern.preparedness.permissions import PreparednessAction

        # Overdue actions of the plan alert their owners, as other staff alerts do.
        periodic.register(
            "preparedness.overdue",
            every=timedelta(hours=1),
            function="lantern.preparedness.services.actions_overdue_alert",
        )
        navigation.register(
            navigation.NavEntry(
                label=_("Preparedness"),
                url_name="preparedness:index",
                visible=lambda u: can(u, PreparednessAction.VIEW) or can(u, PreparednessAction.ROLES_VIEW),
                order=70,
            )
        )
        # "Your role now": the crisis page and every organisation's home show the user's organisation's part.
        panels.register("crisis.overview", name="preparedness.role_now", render=views.role_now_panel, order=10)
        panels.register("core.home", name="preparedness.role_now", render=views.role_now_panel, order=10)
