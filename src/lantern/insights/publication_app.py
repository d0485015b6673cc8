"""What the publication part of insights registers when the app loads: its permission rules and its menu entry."""

from __future__ import annotations


def ready() -> None:
    from django.utils.translation import gettext_lazy as _

    from lantern.core import navigation
    from lantern.core.permissions import can
    from lantern.insights.publication_permissions import PublicationAction

    navigation.register(
        navigation.NavEntry(
            label=_("Publish statistics"),
            url_name="insights:publication",
            visible=lambda u: can(u, PublicationAction.PUBLISH),
            order=70,
        )
    )
