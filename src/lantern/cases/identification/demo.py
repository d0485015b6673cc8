"""The demo of identification by first responders: a police officer's checklist of indicators on a case she
registered at first contact (the case the competent authority then receives), and two anonymous notifications of
adults who declined to enter the NRM."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from lantern.cases import services as case_services
from lantern.cases.identification import selectors, services
from lantern.cases.validation import ContextData, PersonData
from lantern.core.models import Organisation, User

# What the officer observed when she met the person in a raid on a farm: evidence for the authority, not a score.
OBSERVED = (
    "gen_deceived",
    "gen_documents_held",
    "gen_debt",
    "gen_pay_withheld",
    "gen_excessive_hours",
    "lab_no_contract",
    "lab_employer_housing",
    "lab_guarded",
)
REASONS = (
    "The police officer observed at first contact debt bondage, pay withheld, excessive hours, no contract, housing "
    "controlled by the employer and guarded premises; her account of her recruitment is consistent. There are "
    "reasonable grounds to believe she is a victim of trafficking for forced labour."
)
NOT_OBSERVED = ("gen_violence", "gen_unaware_location", "lab_dangerous_work")


def load() -> None:
    police = User.objects.filter(username="police").first()
    if police is None:
        return
    unit = Organisation.objects.get(memberships__user=police, memberships__role="first_responder")
    today = timezone.localdate()
    case = case_services.case_register(
        actor=police,
        organisation=unit,
        person=PersonData(
            first_name="Andreea",
            second_name="Stan",
            birth_date=today - timedelta(days=365 * 29 + 40),
            gender="Feminine",
            primary_language="ro",
            interpreter_needed=True,
            citizenship=["RO"],
        ),
        context=ContextData(
            forms_of_exploitation=["ForcedLabour"],
            forced_labour_industry="A",
            recruitment_methods=["ThroughFriendsOrSocialEvents"],
            methods_of_control=["DebtBondage", "WithholdsDocuments"],
            recruitment_country="RO",
            exploitation_country="GR",
            exploitation_region="Peloponnese",
        ),
        identified_on=today - timedelta(days=3),
        consent_to_case_management=True,
    )
    answers = dict.fromkeys(OBSERVED, "yes") | dict.fromkeys(NOT_OBSERVED, "no")
    services.checklist_record(actor=police, case=case, answers=answers, observed_on=today - timedelta(days=3))
    # The journey the NRM handbook describes: the police unit refers her, with her consent, to the competent
    # authority, which decides on reasonable grounds with written reasons, served on her in Romanian.
    authority = User.objects.filter(username="authority").first()
    if authority is not None:
        case_services.case_refer_to_authority(
            actor=police, case=case, referred_on=today - timedelta(days=2), consent_given=True
        )
        case_services.case_decide(
            actor=authority,
            case=case,
            kind="reasonable_grounds",
            outcome="positive",
            reasons=REASONS,
            decided_on=today - timedelta(days=1),
            served_on=today - timedelta(days=1),
            served_language="ro",
        )
    regions = selectors.notification_regions(unit)
    for days_ago, gender, band, citizenship, forms in (
        (5, "Masculine", "30-38", "PK", ["ForcedLabour"]),
        (9, "Feminine", "21-23", "NG", ["SexualExploitation"]),
    ):
        services.notification_record(
            actor=police,
            organisation=unit,
            data=services.NotificationData(
                identified_on=today - timedelta(days=days_ago),
                gender=gender,
                age_band=band,
                citizenship=citizenship,
                forms_of_exploitation=forms,
                exploitation_region=regions[0] if regions else "",
            ),
            regions=regions,
        )
