"""What the publication app registers when it loads: its permission rules and its menu entry."""

from __future__ import annotations

from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "lantern.publication"
    label = "publication"
    verbose_name = "Publication"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from lantern.core import navigation
        from lantern.core.permissions import can
        from lantern.publication.permissions import PublicationAction

        navigation.register(
            navigation.NavEntry(
                label=_("Publish statistics"),
                url_name="publication:publish",
                visible=lambda u: can(u, PublicationAction.PUBLISH),
                order=70,
            )
        )
