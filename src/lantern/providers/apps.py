from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "lantern.providers"
    label = "providers"
    verbose_name = "Service providers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from lantern.core import navigation, regions, words
        from lantern.core.permissions import can
        from lantern.providers import selectors
        from lantern.providers.models import DeliveryMode

        words.register("delivery_mode", lambda: dict(DeliveryMode.choices))
        from lantern.cases import services as cases

        cases.TRANSFER_REFUSALS.append(selectors.transfer_refusal)
        regions.register("providers.offerings", selectors.offering_regions)
        from lantern.providers.permissions import ProviderAction

        navigation.register(
            navigation.NavEntry(
                label=_("Services"),
                url_name="providers:directory",
                visible=lambda u: can(u, ProviderAction.VIEW),
                order=20,
            )
        )
        navigation.register(
            navigation.NavEntry(
                label=_("Portal review"),
                url_name="providers:review",
                visible=lambda u: can(u, ProviderAction.REVIEW),
                count=lambda u: len(selectors.directory_to_review(u)),
                count_label=_("entries to review"),
                order=21,
            )
        )
