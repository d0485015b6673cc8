from django.apps import AppConfig


class JusticeConfig(AppConfig):
    name = "lantern.justice"
    label = "justice"
    verbose_name = "Justice"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _
        from django.utils.translation import pgettext_lazy

        from lantern.cases import closure, erasure, journey, non_punishment, residence
        from lantern.cases.codes import TIMELINE
        from lantern.cases.permissions import CaseAction
        from lantern.core import navigation, outbox, panels
        from lantern.core.permissions import can
        from lantern.justice import selectors, services, views
        from lantern.justice.consumers import SUSPENSION_CONSUMER
        from lantern.justice.permissions import JusticeAction

        closure.register_check("proceedings", selectors.open_before_closure)
        erasure.hold_retention(selectors.holds_retention)
        # The case page lists the case's proceedings with their next hearing, and says which defendant each
        # perpetrator is (for who may see the proceeding; the names stay the case's).
        panels.register("cases.detail", name="justice.proceedings", render=views.case_proceedings_panel, order=30)
        journey.register_linker(selectors.defendant_links)
        # The case timeline names what justice wrote there (codes and ids only).
        TIMELINE.update(
            {
                "proceeding_open": pgettext_lazy("timeline", "Proceeding opened"),
                "protective_measure_add": pgettext_lazy("timeline", "Protective measure added"),
                "hearing_schedule": pgettext_lazy("timeline", "Hearing scheduled"),
                "hearing_hold": pgettext_lazy("timeline", "Hearing held"),
                "hearing_postpone": pgettext_lazy("timeline", "Hearing postponed"),
                "hearing_reschedule": pgettext_lazy("timeline", "Hearing given a new date"),
                "hearing_cancel": pgettext_lazy("timeline", "Hearing cancelled"),
                "hearing_mode_change": pgettext_lazy("timeline", "Hearing mode changed"),
                "protective_measure_decide": pgettext_lazy("timeline", "Protective measure decided"),
                "defendant_add": pgettext_lazy("timeline", "Defendant added to a proceeding"),
                "defendant_link": pgettext_lazy("timeline", "Defendant linked to a perpetrator"),
                "defendant_outcome": pgettext_lazy("timeline", "Outcome for a defendant"),
                "proceeding_close": pgettext_lazy("timeline", "Proceeding closed"),
                "compensation_claim": pgettext_lazy("timeline", "Compensation claimed"),
                "compensation_award": pgettext_lazy("timeline", "Compensation awarded"),
                "compensation_pay": pgettext_lazy("timeline", "Compensation paid"),
                "fund_claim_status": pgettext_lazy("timeline", "State fund claim updated"),
                "legal_representative_set": pgettext_lazy("timeline", "Legal representative recorded"),
            }
        )
        # The prosecutor of a proceeding of a case reads the charges against the person and the requests that she
        # not be punished for them (Council of Europe Convention, Art. 26).
        if selectors.prosecutes_case not in non_punishment.READERS:
            non_punishment.READERS.append(selectors.prosecutes_case)
        # A removal carried out alerts the prosecutors of the case's open proceedings (a remote hearing).
        if services.removal_alert_prosecutors not in residence.ON_REMOVED:
            residence.ON_REMOVED.append(services.removal_alert_prosecutors)
        # A court suspension declared in crisis mode postpones the hearings it covers; its end lists them to
        # reschedule and alerts the prosecutors and clerks.
        outbox.consume("measure.added", name=SUSPENSION_CONSUMER, function="lantern.justice.consumers.on_measure_added")
        outbox.consume(
            "measure.ended", name="justice.suspension_end", function="lantern.justice.consumers.on_measure_ended"
        )
        navigation.register(
            navigation.NavEntry(
                label=_("Hearings"),
                url_name="justice:hearings",
                visible=lambda u: can(u, JusticeAction.VIEW) or can(u, CaseAction.VIEW),
                order=40,
            )
        )
        navigation.register(
            navigation.NavEntry(
                label=pgettext_lazy("justice", "Court backlog"),
                url_name="justice:backlog",
                visible=lambda u: can(u, JusticeAction.BACKLOG) and not can(u, JusticeAction.VIEW),
                order=41,
            )
        )
