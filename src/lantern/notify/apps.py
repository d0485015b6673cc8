from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "lantern.notify"
    label = "notify"
    verbose_name = "Notify"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from datetime import timedelta

        from django.conf import settings
        from django.utils.translation import gettext_lazy as _

        from lantern.core import navigation, outbox, panels, periodic
        from lantern.core.permissions import can
        from lantern.notify import selectors, views
        from lantern.notify.messages import HEARING_KINDS
        from lantern.notify.permissions import NotifyAction

        panels.register("core.home", name="notify.calls", render=views.calls_panel, order=25)
        for kind in HEARING_KINDS:
            outbox.consume(
                kind,
                name="notify.hearing",
                function="lantern.notify.consumers.on_hearing_event",
                batch_function="lantern.notify.consumers.on_hearing_events",
            )
        outbox.consume(
            "referral.received",
            name="notify.referral_received",
            function="lantern.notify.consumers.on_referral_received",
        )
        outbox.consume(
            "referral.overdue", name="notify.referral_overdue", function="lantern.notify.consumers.on_referral_overdue"
        )
        outbox.consume(
            "package.missing", name="notify.package_missing", function="lantern.notify.consumers.on_package_missing"
        )
        periodic.register(
            "notify.recover",
            every=timedelta(seconds=settings.LANTERN_NOTIFY_RECOVER_SECONDS),
            function="lantern.notify.sending.deliveries_recover",
        )
        periodic.register(
            "notify.package_missing",
            every=timedelta(hours=1),
            function="lantern.notify.consumers.package_missing_notify",
        )
        navigation.register(
            navigation.NavEntry(
                label=_("Inbox"),
                url_name="notify:inbox",
                visible=lambda u: can(u, NotifyAction.INBOX),
                count=selectors.open_tasks_count,
                count_label=_("calls to make"),
                order=12,
            )
        )
        navigation.register(
            navigation.NavEntry(
                label=_("Notifications"),
                url_name="notify:log",
                visible=lambda u: can(u, NotifyAction.LOG),
                order=45,
            )
        )
        navigation.register(
            navigation.NavEntry(
                label=_("Message templates"),
                url_name="notify:templates",
                visible=lambda u: can(u, NotifyAction.TEMPLATES),
                order=90,
            )
        )
