from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "lantern.referrals"
    label = "referrals"
    verbose_name = "Referrals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from datetime import timedelta

        from django.utils.translation import gettext_lazy as _

        from lantern.cases import erasure
        from lantern.core import navigation, panels, periodic
        from lantern.core.permissions import can
        from lantern.referrals import selectors, services, views
        from lantern.referrals.permissions import ReferralAction

        erasure.register(services.referrals_erase_free_text)
        from lantern.cases import closure

        closure.register_check("referrals", selectors.open_before_closure)
        from lantern.cases import services as cases

        cases.TRANSFERRED.append(services.referrals_after_transfer)
        panels.register("core.home", name="referrals.next_steps", render=views.next_steps_panel, order=20)
        panels.register("cases.detail", name="referrals.of_case", render=views.case_referrals_panel, order=20)
        periodic.register(
            "referrals.escalate", every=timedelta(minutes=5), function="lantern.referrals.services.referrals_escalate"
        )
        navigation.register(
            navigation.NavEntry(
                label=_("Referrals"),
                url_name="referrals:inbox",
                visible=lambda u: can(u, ReferralAction.VIEW),
                order=15,
            )
        )
        navigation.register(
            navigation.NavEntry(
                label=_("Minimum package"),
                url_name="referrals:package",
                visible=selectors.package_visible,
                count=selectors.package_missing_count,
                count_label=_("cases missing a service"),
                order=35,
            )
        )
