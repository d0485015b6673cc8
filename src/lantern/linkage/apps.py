from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "lantern.linkage"
    label = "linkage"
    verbose_name = "Linkage"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from lantern.core import navigation, panels
        from lantern.core.permissions import can
        from lantern.linkage.permissions import LinkageAction
        from lantern.linkage.views import dashboard_panel

        # The coordinator's estimate of distinct victims, on the insights dashboard (which does not import us).
        panels.register("insights.dashboard", name="linkage.unique_victims", render=dashboard_panel, order=10)
        navigation.register(
            navigation.NavEntry(
                label=_("Record linkage"),
                url_name="linkage:index",
                visible=lambda u: can(u, LinkageAction.VIEW),
                order=70,
            )
        )
        navigation.register(
            navigation.NavEntry(
                label=_("Linkage encodings"),
                url_name="linkage:encode",
                visible=lambda u: can(u, LinkageAction.ENCODE) and not can(u, LinkageAction.VIEW),
                order=71,
            )
        )
