"""The authorization matrix: every API operation by every persona → allowed or refused.

The operations come from the OpenAPI document itself, so an endpoint added later without a line here fails
`test_every_operation_has_a_line_in_the_matrix`. Each line names the personas allowed when the operation targets
organisation A (Safe Passage NGO); everyone else must get 403 or 404, and an anonymous caller 401.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from lantern.api import api
from lantern.cases import non_punishment, residence
from lantern.cases.closure import case_close
from lantern.cases.models import Case, Charge, Decision, NonPunishmentRequest, RemovalRisk, ResidencePermit
from lantern.cases.plans import plan_action_add, plan_write, risk_assess
from lantern.cases.services import case_decide, case_refer_to_authority, case_register, case_update, consent_give
from lantern.cases.validation import PersonData
from lantern.core.models import BreakGlassGrant
from lantern.core.services import break_glass_open, user_create
from lantern.crisis.models import CrisisEvent, Measure
from lantern.crisis.services import crisis_declare, measure_add
from lantern.justice.models import Proceeding
from lantern.providers.models import Offering
from lantern.providers.services import offering_save
from lantern.referrals.models import Referral
from lantern.referrals.services import referral_accept, referral_create
from lantern.shelters.models import Stay
from lantern.shelters.services import admit, room_add
from tests.conftest import PERSONAS, World
from tests.justice.helpers import (
    IN_A_MONTH,
    JUSTICE_VALUES,
    compensation_awarded,
    hearing_due,
    hearing_postponed,
    justice_setup,
    justice_url,
)
from tests.linkage import helpers as linkage_helpers
from tests.notify import authz as notify_authz
from tests.preparedness.authz import preparedness_targets, preparedness_url
from tests.publication.helpers import csv_base64, publication_release_id
from tests.simulate import helpers as simulate_helpers

EVERYONE = frozenset(PERSONAS)
MEMBERS_OF_A = frozenset({"caseworker", "supervisor", "org_admin"})
NATIONAL_VIEWERS = frozenset({"coordinator", "analyst", "auditor", "sysadmin"})
WORKS_WITH_VICTIMS = frozenset(
    {"caseworker", "supervisor", "police", "provider", "prosecutor", "coordinator", "outsider", "shelter_worker"}
)
SEE_BEDS = frozenset({"caseworker", "supervisor", "police", "provider", "coordinator", "outsider", "shelter_worker"})
SHELTER = frozenset({"shelter_worker"})
PUBLISHERS = frozenset({"analyst", "coordinator"})


@dataclass(frozen=True)
class Line:
    allowed: frozenset[str]
    body: dict[str, Any] | None = None
    query: dict[str, str] = field(default_factory=dict)
    # Brings the target into the state the operation needs, inside the request's rolled-back savepoint.
    prepare: Callable[[World, Case], None] | None = None


def _referred(world: World, case: Case) -> None:
    case_refer_to_authority(actor=world.caseworker, case=case, referred_on=case.identified_on, consent_given=True)


def _decided(world: World, case: Case) -> None:
    _referred(world, case)
    case_decide(
        actor=world.authority_member, case=case, kind="reasonable_grounds", outcome="positive", reasons="Indicators"
    )


CASE_STAFF_OF_A = frozenset({"caseworker", "supervisor"})
COORDINATOR = frozenset({"coordinator"})
OFFER: dict[str, Any] = {
    "service_type": "legal_counselling",
    "regions": ["Attica"],
    "delivery_modes": ["in_person"],
    "weekly_capacity": 5,
}


def _shelter_accepted(world: World, case: Case) -> None:
    referral_accept(actor=world.shelter_worker, referral=Referral.objects.get(recipient=world.shelter))


def _a_child(world: World, case: Case) -> None:
    case_update(actor=world.caseworker, case=case, context={"may_be_child": True, "separation": "unaccompanied"})


def _planned(world: World, case: Case) -> None:
    plan_write(actor=world.caseworker, case=case, objectives="Safety first.")
    plan_action_add(actor=world.caseworker, case=case, service_type="medical")


def _high_risk_first(world: World, case: Case) -> None:
    risk_assess(actor=world.caseworker, case=case, risk_level="high")


def _made_public(world: World, case: Case) -> None:
    Offering.objects.filter(organisation=world.legal_aid).update(is_public=True, public_contact="+30 210 555 0100")


def _first_referral_answered(world: World, case: Case) -> None:
    # The same need is not sent again to the same organisation while the first referral is open (a 409).
    Referral.objects.filter(recipient=world.legal_aid).update(status="declined")


def _nothing_open(world: World, case: Case) -> None:
    """The matrix's case has referrals and a proceeding open, which a closure waits for (cases.closure)."""
    Referral.objects.filter(case=case).update(status="cancelled")
    Proceeding.objects.filter(case=case).update(closed_on=timezone.localdate())


def _closed(world: World, case: Case) -> None:
    _nothing_open(world, case)
    case_close(actor=None, case=case, code="integrated")


def _in_follow_up(world: World, case: Case) -> None:
    _nothing_open(world, case)
    case_close(actor=None, case=case, code="integrated", follow_up_on=timezone.localdate())


def _consented_to_ngo_b(world: World, case: Case) -> None:
    consent_give(
        actor=world.caseworker, case=case, purpose="referral", recipient=world.ngo_b, given_on=date(2026, 1, 2)
    )
    # a case is handed only to an organisation with a supervisor to give it to a caseworker
    user_create(actor=None, username="ngo_b_supervisor", organisation=world.ngo_b, role="supervisor", password=None)


def _accepted(world: World, case: Case) -> None:
    referral_accept(actor=world.provider, referral=Referral.objects.get(recipient=world.legal_aid))


def _a_permit(world: World, case: Case) -> None:
    residence.permit_record(
        actor=world.caseworker, case=case, kind="victim", status="applied", applied_on=timezone.localdate()
    )


def _a_removal(world: World, case: Case) -> None:
    residence.removal_record(
        actor=world.caseworker, case=case, kind="detention", ordered_on=timezone.localdate(), authority="Police"
    )


def _a_charge(world: World, case: Case) -> None:
    non_punishment.charge_record(
        actor=world.caseworker,
        case=case,
        kind="charge",
        offence="documents",
        charged_on=timezone.localdate(),
        authority="Police",
    )


def _a_request(world: World, case: Case) -> None:
    _a_charge(world, case)
    non_punishment.request_record(
        actor=world.caseworker,
        charge=case.charges.get(),
        requested_on=timezone.localdate(),
        addressed_to="Prosecutor",
        grounds="Compelled",
    )


MATRIX: dict[str, Line] = {
    "me_get": Line(EVERYONE),
    "organisations_list": Line(EVERYONE),
    "organisations_create": Line(
        frozenset({"coordinator", "sysadmin"}), body={"name": "New Hope", "type": "NGO", "country": "GR"}
    ),
    "organisations_get": Line(MEMBERS_OF_A | NATIONAL_VIEWERS),
    "organisations_update": Line(frozenset({"org_admin", "sysadmin"}), body={"region": "Crete"}),
    "members_list": Line(frozenset({"supervisor", "org_admin", "sysadmin", "auditor"})),
    # The target is A's caseworker, who belongs to A alone: A's administrator may give her another role there. An
    # account of another organisation is refused to her (tests/core/test_member_reach.py).
    "members_add": Line(frozenset({"org_admin", "sysadmin"}), body={"username": "caseworker", "role": "supervisor"}),
    "members_remove": Line(frozenset({"org_admin", "sysadmin"})),
    "audit_events_list": Line(frozenset({"auditor"})),
    "audit_verify": Line(frozenset({"auditor", "sysadmin"})),
    "break_glass_open": Line(
        WORKS_WITH_VICTIMS,
        body={"object_type": "core.organisation", "object_id": "{ngo_a}", "reason": "A person at risk needs help"},
    ),
    # The target is the police officer's request to open the case of A (she does not hold cases): a supervisor of
    # A answers it, nobody else.
    "break_glass_approve": Line(frozenset({"supervisor"})),
    "break_glass_refuse": Line(frozenset({"supervisor"})),
    "alerts_list": Line(EVERYONE),
    # One's own account: everyone has one; a token is made in a logged-in browser, never by another token; a
    # token is revoked by its owner (the target is the caseworker's); an administrator resets a member of her
    # organisation (the caseworker of A).
    # One's sessions are listed and ended from a logged-in browser only: a token (these clients) is refused.
    "account_sessions": Line(frozenset()),
    "account_sign_out_everywhere": Line(frozenset(), body={}),
    "account_tokens_list": Line(EVERYONE),
    "account_tokens_create": Line(frozenset(), body={"name": "script"}),
    "account_tokens_revoke": Line(frozenset({"caseworker"})),
    "members_reset": Line(frozenset({"org_admin", "sysadmin"})),
    # The smallest k of a publication: publishers read it, the coordinator alone sets it.
    "publication_policy": Line(PUBLISHERS),
    "publication_policy_set": Line(COORDINATOR, body={"minimum_k": 12}),
    # The case registry: the target is a case of organisation A registered by its caseworker.
    "cases_list": Line(EVERYONE),
    "cases_create": Line(
        frozenset({"caseworker", "supervisor", "police", "outsider"}),
        body={"person": {}, "consent_to_case_management": False},
    ),
    "cases_get": Line(CASE_STAFF_OF_A),
    "cases_duplicates": Line(COORDINATOR),
    "cases_update": Line(CASE_STAFF_OF_A, body={"context": {"exploitation_region": "Crete"}}),
    "cases_refer": Line(CASE_STAFF_OF_A, body={"consent_given": True}),
    # Decisions are the competent authority's, once the case is referred to it; the coordinator follows where the
    # referred cases stand (no personal data), the authority its own.
    "cases_decide": Line(
        frozenset({"authority_member"}),
        body={"kind": "reasonable_grounds", "outcome": "positive", "reasons": "Indicators of forced labour"},
        prepare=_referred,
    ),
    "decisions_list": Line(CASE_STAFF_OF_A),
    "decisions_serve": Line(
        frozenset({"authority_member"}), body={"served_on": "{today}", "served_language": "ro"}, prepare=_decided
    ),
    "cases_nrm_status": Line(frozenset({"coordinator", "authority_member"})),
    "cases_close": Line(CASE_STAFF_OF_A, body={"code": "other", "reason": "Moved abroad"}, prepare=_nothing_open),
    # Closure, follow-up, reopening and return are those who hold the case's (a first responder closes nothing).
    "cases_follow_up": Line(CASE_STAFF_OF_A, body={"outcome": "not_reached"}, prepare=_in_follow_up),
    "cases_reopen": Line(CASE_STAFF_OF_A, body={"code": "new_need"}, prepare=_closed),
    "cases_return_plan": Line(
        CASE_STAFF_OF_A,
        body={
            "country": "RO",
            "planned_on": "{today}",
            "risk_level": "low",
            "receiving_name": "eLiberare",
            "own_request": True,
            "own_request_text": "I want to go home",
        },
    ),
    "cases_assign": Line(frozenset({"supervisor"}), body={"username": "caseworker"}),
    "cases_timeline": Line(CASE_STAFF_OF_A),
    "cases_transfer": Line(frozenset({"supervisor"}), body={"organisation_id": "{ngo_b}"}, prepare=_consented_to_ngo_b),
    "exports_htcds": Line(frozenset({"supervisor"})),
    "exports_ctdc": Line(frozenset({"supervisor"})),
    # Identification by first responders: the checklist's definition is reference data; the checklists of the
    # case are read and written by those who work on it; anonymous notifications by whoever registers cases.
    "checklist_get": Line(EVERYONE),
    "indicators_list": Line(CASE_STAFF_OF_A),
    "indicators_record": Line(CASE_STAFF_OF_A, body={"answers": {"gen_deceived": "yes"}}),
    "notifications_list": Line(frozenset({"caseworker", "supervisor", "police", "outsider"})),
    "notifications_create": Line(
        frozenset({"caseworker", "supervisor", "police", "outsider"}),
        body={"age_band": "21-23", "forms_of_exploitation": ["ForcedLabour"]},
    ),
    # Crisis mode, providers, referrals: the targets are a crisis with a measure, the legal-aid clinic's offer,
    # and a referral of the case to the clinic (the person consented to it).
    "crises_list": Line(EVERYONE),
    "crises_declare": Line(
        COORDINATOR, body={"name": "Floods", "kind": "disaster", "country": "GR", "starts_on": "2026-03-01"}
    ),
    "crises_end": Line(COORDINATOR, body={}),
    "measures_add": Line(COORDINATOR, body={"kind": "curfew", "starts_on": "2026-03-02"}),
    "measures_end": Line(COORDINATOR, body={}),
    "measures_active": Line(EVERYONE),
    "package_list": Line(EVERYONE),
    "package_set": Line(COORDINATOR, body={"service_type": "medical", "deadline_days": 2}),
    "offerings_list": Line(EVERYONE),
    "offerings_create": Line(frozenset({"org_admin", "supervisor", "sysadmin"}), body=OFFER),
    "offerings_update": Line(frozenset({"sysadmin"}), body=OFFER),
    "offerings_translation_set": Line(
        frozenset({"sysadmin"}), body={"language": "ar", "name": "عيادة المساعدة القانونية"}
    ),
    # The portal's directory review: the target is the legal-aid clinic's offer, made public with a new contact.
    "directory_review_list": Line(COORDINATOR),
    "directory_review_decide": Line(COORDINATOR, body={"decision": "approve"}, prepare=_made_public),
    "provider_status_set": Line(
        frozenset({"caseworker", "supervisor", "org_admin", "sysadmin"}),
        body={"status": "reduced", "staff_absence_percent": 30},
    ),
    "routing": Line(EVERYONE, query={"service_type": "legal_counselling", "region": "Attica"}),
    "referrals_list": Line(EVERYONE),
    "referrals_create": Line(
        CASE_STAFF_OF_A,
        body={"case_reference": "{reference}", "recipient_id": "{legal_aid}", "service_type": "legal_counselling"},
        prepare=_first_referral_answered,
    ),
    "referrals_get": Line(CASE_STAFF_OF_A | {"provider", "coordinator"}),
    "referrals_accept": Line(frozenset({"provider"})),
    "referrals_decline": Line(frozenset({"provider"}), body={"reason": "No lawyer speaks Romanian this week"}),
    "referrals_start": Line(frozenset({"provider"}), prepare=_accepted),
    "referrals_complete": Line(
        frozenset({"provider"}), body={"delivery_mode": "remote", "outcome": "delivered"}, prepare=_accepted
    ),
    "referrals_cancel": Line(CASE_STAFF_OF_A),
    "package_missing": Line(frozenset({"supervisor", "coordinator"})),
    # Shelters: the target is the world's shelter, with a quarantine protocol in force; the stay is a second case
    # of organisation A admitted there, and the admission uses a referral of the first case to the shelter.
    "shelters_board": Line(SEE_BEDS),
    "shelters_waiting": Line(SEE_BEDS),
    "shelters_waiting_counts": Line(SEE_BEDS),
    "shelters_room_add": Line(frozenset({"sysadmin"}), body={"name": "Annex", "beds": 2}),
    "shelters_residents": Line(SHELTER),
    "shelters_admit": Line(SHELTER, body={"referral_id": "{shelter_referral}"}, prepare=_shelter_accepted),
    "stays_step": Line(SHELTER, body={"kind": "test", "result": "negative"}),
    "stays_move": Line(SHELTER),
    "stays_discharge": Line(SHELTER, body={"destination": "family"}),
    "stays_repatriation": Line(
        SHELTER,
        # still awaiting identification: a return only at the person's own request (shelters.services)
        body={
            "country": "RO",
            "planned_on": "2026-06-01",
            "risk_level": "low",
            "receiving_name": "IOM Romania",
            "own_request": True,
            "own_request_text": "I want to go.",
        },
    ),
    "shelters_wait": Line(CASE_STAFF_OF_A, body={"case_reference": "{reference}", "region": "Attica"}),
    "shelters_indicators": Line(frozenset({"supervisor", "analyst", "coordinator"})),
    "cases_erase": Line(frozenset({"supervisor"}), body={"request_reference": "Request 2026/3"}),
    "consents_list": Line(CASE_STAFF_OF_A),
    "consents_give": Line(CASE_STAFF_OF_A, body={"purpose": "statistics"}),
    "consents_withdraw": Line(CASE_STAFF_OF_A, body={}),
    "notes_list": Line(CASE_STAFF_OF_A),
    "notes_add": Line(CASE_STAFF_OF_A, body={"text": "Called back, safe"}),
    "assessments_record": Line(CASE_STAFF_OF_A, body={"kind": "needs", "needs": ["medical"]}),
    # Children: the target, a person of unknown age, is presumed a child for the steps only a child has.
    "cases_child": Line(CASE_STAFF_OF_A),
    "cases_age_assess": Line(
        CASE_STAFF_OF_A,
        body={
            "method": "documents",
            "result_band": "adult",
            "assessed_by_organisation_id": "{ngo_a}",
            "assessor_role": "social_worker",
        },
    ),
    "cases_guardian": Line(
        CASE_STAFF_OF_A, body={"name": "Eleni Georgiou", "appointed_by": "Prosecutor for Minors"}, prepare=_a_child
    ),
    "cases_child_views": Line(CASE_STAFF_OF_A, body={"about": "placement", "views": "Not with men."}, prepare=_a_child),
    "cases_best_interests": Line(
        CASE_STAFF_OF_A,
        body={"kind": "assessment", "reasons": "Visited", "body_name": "Child protection panel"},
        prepare=_a_child,
    ),
    # The journey and the perpetrators: the case's other details, written by those who hold it.
    "cases_journey": Line(CASE_STAFF_OF_A),
    "cases_journey_add": Line(CASE_STAFF_OF_A, body={"kind": "Transit", "country": "BG", "transport": "Road"}),
    "cases_perpetrator_add": Line(CASE_STAFF_OF_A, body={"roles": ["Exploiter"], "relationship": "Employer"}),
    # Foreign victims' residence, detention and removal: those who hold the case. Charges and fines: they record
    # them; the prosecutor of the case's proceeding (tests/justice/helpers.py opens one) reads them too.
    "cases_residence": Line(CASE_STAFF_OF_A),
    "cases_permit": Line(CASE_STAFF_OF_A, body={"kind": "victim", "status": "applied", "applied_on": "{today}"}),
    "cases_permit_decide": Line(
        CASE_STAFF_OF_A,
        body={"status": "granted", "granted_on": "{today}", "valid_until": "2027-01-01"},
        prepare=_a_permit,
    ),
    "cases_removal": Line(
        CASE_STAFF_OF_A, body={"kind": "removal_order", "ordered_on": "{today}", "authority": "Aliens Police"}
    ),
    "cases_removal_resolve": Line(CASE_STAFF_OF_A, body={"resolution": "suspended"}, prepare=_a_removal),
    "cases_charges": Line(CASE_STAFF_OF_A | {"prosecutor"}),
    "cases_charge": Line(
        CASE_STAFF_OF_A, body={"kind": "charge", "offence": "immigration", "charged_on": "{today}", "authority": "P"}
    ),
    "cases_non_punishment_request": Line(
        CASE_STAFF_OF_A,
        body={"requested_on": "{today}", "addressed_to": "Prosecutor", "grounds": "Compelled"},
        prepare=_a_charge,
    ),
    "cases_non_punishment_decide": Line(
        CASE_STAFF_OF_A, body={"outcome": "granted", "decided_on": "{today}"}, prepare=_a_request
    ),
    # The assistance plan, declined services, risk: those who hold the case (cases/plans.py).
    "cases_plan": Line(CASE_STAFF_OF_A),
    "cases_plan_write": Line(CASE_STAFF_OF_A, body={"objectives": "A safe place to live."}),
    "cases_plan_action": Line(CASE_STAFF_OF_A, body={"service_type": "medical"}, prepare=_planned),
    "cases_plan_agree": Line(CASE_STAFF_OF_A, body={"how": "oral"}, prepare=_planned),
    "cases_plan_review": Line(CASE_STAFF_OF_A, body={"changes": "Nothing yet."}, prepare=_planned),
    "cases_decline": Line(CASE_STAFF_OF_A, body={"service_type": "psychological"}),
    "cases_risk": Line(CASE_STAFF_OF_A, body={"risk_level": "low"}),
    "cases_safety_plan": Line(
        CASE_STAFF_OF_A, body={"safety_plan": "An escort.", "review_on": "{today}"}, prepare=_high_risk_first
    ),
    # Notifications: the case's delivery log, a message to its person that gave up, the caseworker's task to call
    # her instead (tests/notify/authz.py).
    "notify_case_deliveries": Line(CASE_STAFF_OF_A),
    "notify_delivery_retry": Line(CASE_STAFF_OF_A),
    "notify_tasks": Line(EVERYONE),
    "notify_task_done": Line(CASE_STAFF_OF_A),
    "notify_templates": Line(frozenset({"supervisor", "org_admin", "outsider_admin", "coordinator", "sysadmin"})),
    # Insights, privacy-safe publication: analysts and the national coordinator only.
    "publication_budgets": Line(PUBLISHERS),
    "publication_create": Line(
        PUBLISHERS, body={"source": "csv", "csv_base64": csv_base64(), "by": ["gender", "ageBroad"], "k": 11}
    ),
    "publication_releases": Line(PUBLISHERS),
    "publication_get": Line(PUBLISHERS),
    "publication_ctdc": Line(PUBLISHERS),
    # Insights: indicators for the national viewers and for a supervisor's own organisation; the impact analysis
    # (of the world's lockdown, and of its crisis) for the national viewers only.
    "insights_indicators": Line(frozenset({"supervisor", "coordinator", "analyst"})),
    "insights_values": Line(frozenset({"supervisor", "coordinator", "analyst"}), query={"indicator": "new_cases"}),
    "insights_dashboard": Line(frozenset({"supervisor", "coordinator", "analyst"})),
    "insights_impact_measure": Line(frozenset({"coordinator", "analyst"}), query={"indicator": "recruited_online"}),
    "insights_impact_crisis": Line(frozenset({"coordinator", "analyst"})),
}
# Justice: the target is a trial of the case in the charge of the prosecution, with a hearing in the Athens court
# and one in Piraeus (tests/justice/helpers.py builds them and fills the ids).
PROSECUTOR = frozenset({"prosecutor"})
SEE_HEARINGS = frozenset({"prosecutor", "caseworker", "supervisor"})
MATRIX |= {
    "justice_courts_list": Line(EVERYONE),
    "justice_courts_create": Line(
        frozenset({"coordinator", "sysadmin"}),
        body={"name": "Larissa First Instance", "country": "GR", "region": "Thessaly", "time_zone": "Europe/Athens"},
    ),
    "justice_proceedings_list": Line(EVERYONE),
    "justice_proceedings_open": Line(
        PROSECUTOR,
        body={
            "case_reference": "{reference}",
            "organisation_id": "{prosecution}",
            "kind": "appeal",
            "survivor_role": "witness",
        },
    ),
    "justice_proceedings_get": Line(SEE_HEARINGS),
    "justice_protective_measures_add": Line(PROSECUTOR, body={"kind": "interpreter", "language": "ro"}),
    "justice_hearings_schedule": Line(PROSECUTOR, body={"court_id": "{court}", "starts_at": IN_A_MONTH}),
    "justice_hearings_list": Line(EVERYONE),
    "justice_hearings_to_reschedule": Line(EVERYONE),
    "justice_hearings_get": Line(SEE_HEARINGS),
    "justice_hearings_hold": Line(PROSECUTOR, prepare=hearing_due),
    "justice_hearings_postpone": Line(PROSECUTOR, body={"reason": "illness"}),
    "justice_hearings_reschedule": Line(PROSECUTOR, body={"new_starts_at": IN_A_MONTH}, prepare=hearing_postponed),
    "justice_hearings_cancel": Line(PROSECUTOR),
    "justice_hearings_mode": Line(PROSECUTOR, body={"mode": "hybrid"}),
    "justice_backlog": Line(frozenset({"prosecutor", "coordinator", "analyst"})),
    # Redress: the prosecution in charge records it (a clerk of a court that hears the proceeding too, who is no
    # persona here); the case's caseworker and supervisor read it and are refused (403).
    "justice_protective_measures_decide": Line(PROSECUTOR, body={"status": "granted"}),
    "justice_defendants_add": Line(PROSECUTOR),
    "justice_defendants_outcome": Line(PROSECUTOR, body={"outcome": "conviction"}),
    "justice_legal_representative_set": Line(PROSECUTOR, body={"lawyer": "Eleni Papadaki"}),
    "justice_compensations_claim": Line(
        PROSECUTOR, body={"payer": "offender", "claimed": "15000.00", "currency": "EUR"}
    ),
    "justice_compensations_award": Line(PROSECUTOR, body={"awarded": "2500.00"}),
    "justice_compensations_pay": Line(PROSECUTOR, body={"amount": "500.00"}, prepare=compensation_awarded),
    "justice_compensations_fund_status": Line(PROSECUTOR, body={"status": "under_review"}),
}
# The simulator: anyone who may run it queues a run; a run (the coordinator's) is seen by whoever queued it.
MATRIX |= {
    "simulate_runs_create": Line(frozenset({"coordinator", "analyst"}), body={"scenario": simulate_helpers.MINIMAL}),
    "simulate_runs_get": Line(COORDINATOR),
}

# Linkage: the national coordinator alone uploads encodings, links them and reads the estimate.
MATRIX |= {
    "linkage_encodings": Line(COORDINATOR),
    "linkage_encodings_upload": Line(
        COORDINATOR, body={"organisation_id": "{ngo_a}", "encodings_base64": linkage_helpers.encodings_base64()}
    ),
    "linkage_run": Line(COORDINATOR, body={}, prepare=linkage_helpers.two_uploads),
    "linkage_estimate": Line(COORDINATOR, prepare=linkage_helpers.a_run),
}

# Preparedness: the target is an assessment that organisation A contributes to, an action of its plan owned by A,
# and A's role when a crisis is declared (tests/preparedness/authz.py). Supervisors and administrators of any
# organisation may read the checklist and their (possibly empty) lists; everyone reads their own roles.
PREPAREDNESS_READERS = frozenset({"coordinator", "analyst", "supervisor", "org_admin"})
PARTNER_LEADS_ANYWHERE = PREPAREDNESS_READERS | {"outsider_admin"}
PREPAREDNESS_WRITERS = frozenset({"coordinator", "supervisor", "org_admin"})
MATRIX |= {
    "preparedness_checklist": Line(PARTNER_LEADS_ANYWHERE),
    "preparedness_assessments_list": Line(PARTNER_LEADS_ANYWHERE),
    "preparedness_assessments_open": Line(
        COORDINATOR, body={"title": "Greece again", "country": "GR", "assessed_on": "2026-02-01"}
    ),
    "preparedness_assessments_get": Line(PREPAREDNESS_READERS),
    "preparedness_items_list": Line(PREPAREDNESS_READERS),
    "preparedness_items_update": Line(PREPAREDNESS_WRITERS, body={"level": 3, "evidence": "SOP adopted"}),
    "preparedness_assessments_submit": Line(COORDINATOR),
    "preparedness_priorities": Line(PREPAREDNESS_READERS),
    "preparedness_actions_create": Line(
        COORDINATOR, body={"item_id": "COO-2", "title": "Write the SOP", "owner_id": "{ngo_a}", "due_on": "2026-06-01"}
    ),
    "preparedness_actions_list": Line(PARTNER_LEADS_ANYWHERE),
    "preparedness_actions_update": Line(PREPAREDNESS_WRITERS, body={"status": "in_progress"}),
    "preparedness_report": Line(PREPAREDNESS_READERS),
    "preparedness_roles_list": Line(EVERYONE),
    "preparedness_roles_acknowledge": Line(frozenset({"supervisor", "org_admin"})),
}


def operations() -> list[tuple[str, str, str]]:
    schema = api.get_openapi_schema()
    found = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            found.append((operation["operationId"], method.upper(), path))
    return sorted(found)


def test_every_operation_has_a_line_in_the_matrix() -> None:
    ids = {operation_id for operation_id, _, _ in operations()}
    assert ids - set(MATRIX) == set(), "add these operations to the authorization matrix"
    assert set(MATRIX) - ids == set(), "these lines name operations that no longer exist"


def _fill(value: Any, world: World, case: Case | None = None) -> Any:
    if value == "{legal_aid}":
        return world.legal_aid.pk
    if value == "{ngo_b}":
        return world.ngo_b.pk
    if isinstance(value, str) and value in JUSTICE_VALUES:
        return JUSTICE_VALUES[value](world)
    if value == "{shelter_referral}":
        return Referral.objects.get(recipient=world.shelter).public_id
    if isinstance(value, str):
        value = value.replace("{ngo_a}", str(world.ngo_a.pk)).replace("{today}", timezone.localdate().isoformat())
        return value.replace("{reference}", case.reference) if case is not None else value
    if isinstance(value, dict):
        return {k: _fill(v, world, case) for k, v in value.items()}
    return value


def _request(client: Client, method: str, path: str, line: Line, world: World, case: Case) -> int:
    membership = world.caseworker.memberships.get()
    url = (
        path.replace("{organisation_id}", str(world.ngo_a.pk))
        .replace("{membership_id}", str(membership.pk))
        .replace("{user_id}", str(world.caseworker.pk))
        .replace("{token_id}", str(world.caseworker.api_tokens.get().pk))
        .replace("{reference}", case.reference)
        .replace("{consent_id}", str(case.consents.get(purpose="case_management").pk))
        .replace("{crisis_id}", str(CrisisEvent.objects.get().pk))
        .replace("{measure_id}", str(Measure.objects.get().pk))
        .replace("{offering_id}", str(Offering.objects.get(organisation=world.legal_aid).pk))
        .replace("{referral_id}", Referral.objects.get(recipient=world.legal_aid).public_id)
        .replace("{shelter_id}", str(world.shelter.pk))
        .replace("{stay_id}", str(Stay.objects.get().pk))
        .replace("{delivery_id}", notify_authz.delivery_id())
        .replace("{task_id}", notify_authz.task_id())
        .replace("{release_id}", publication_release_id() if "{release_id}" in path else "")
        .replace(
            "{grant_id}", str(BreakGlassGrant.objects.filter(user=world.police).values_list("pk", flat=True).first())
        )
        .replace("{run_id}", simulate_helpers.coordinators_run_id(world) if "{run_id}" in path else "")
    )
    url = preparedness_url(justice_url(url))
    if line.query:
        url += "?" + urlencode(line.query)
    body = _fill(line.body, world, case) if line.body is not None else None
    with transaction.atomic():
        if line.prepare is not None:
            line.prepare(world, Case.objects.get(pk=case.pk))
        # A decision the preparation recorded (none: an id that exists nowhere).
        url = url.replace("{decision_id}", str(Decision.objects.values_list("pk", flat=True).last() or 0))
        for name, model in RECORDS_OF_A_CASE.items():
            url = url.replace(name, str(model.objects.values_list("pk", flat=True).last() or 0))
        response = client.generic(
            method, url, data=json.dumps(body) if body is not None else "", content_type="application/json"
        )
        transaction.set_rollback(True)
    return response.status_code


# Records of the case that a line's preparation creates (none: an id that exists nowhere).
RECORDS_OF_A_CASE: dict[str, Any] = {
    "{permit_id}": ResidencePermit,
    "{risk_id}": RemovalRisk,
    "{charge_id}": Charge,
    "{request_id}": NonPunishmentRequest,
}


@pytest.mark.parametrize(("operation_id", "method", "path"), operations())
def test_each_persona_is_allowed_exactly_what_the_matrix_says(
    world: World, api_client: dict[str, Client], operation_id: str, method: str, path: str
) -> None:
    line = MATRIX[operation_id]
    case = case_register(
        actor=world.caseworker,
        organisation=world.ngo_a,
        person=PersonData(first_name="Ana"),
        consent_to_case_management=True,
    )
    crisis = crisis_declare(
        actor=None, name="Pandemic", kind="pandemic", country="GR", starts_on=date(2026, 1, 1), quarantine_days=5
    )
    measure_add(actor=None, crisis=crisis, kind="lockdown", starts_on=date(2026, 1, 2))
    offering_save(actor=None, organisation=world.legal_aid, **OFFER)
    consent_give(actor=world.caseworker, case=case, purpose="referral", recipient=world.legal_aid)
    referral_create(actor=world.caseworker, case=case, recipient=world.legal_aid, service_type="legal_counselling")
    room_add(actor=None, shelter=world.shelter, name="Q", wing="quarantine", restriction="mixed", beds=2)
    room_add(actor=None, shelter=world.shelter, name="R", wing="regular", restriction="mixed", beds=2)
    offering_save(
        actor=None,
        organisation=world.shelter,
        service_type="safe_accommodation",
        regions=["Attica"],
        delivery_modes=["in_person"],
        weekly_capacity=5,
    )
    consent_give(actor=world.caseworker, case=case, purpose="referral", recipient=world.shelter)
    referral_create(actor=world.caseworker, case=case, recipient=world.shelter, service_type="safe_accommodation")
    resident = case_register(actor=world.caseworker, organisation=world.ngo_a, person=PersonData(first_name="Eva"))
    admit(actor=None, case=resident, shelter=world.shelter)
    justice_setup(world, case)
    notify_authz.notify_targets(world, case)
    break_glass_open(actor=world.police, obj=case, reason="The survivor called the police from a new number")
    preparedness_targets(world)
    outcomes = {persona: _request(api_client[persona], method, path, line, world, case) for persona in PERSONAS}
    wrong = {
        persona: status
        for persona, status in outcomes.items()
        if (persona in line.allowed) != (200 <= status < 300)
        or (persona not in line.allowed and status not in (403, 404))
    }
    assert wrong == {}, f"{operation_id}: unexpected statuses {wrong}"
    assert _request(api_client["anonymous"], method, path, line, world, case) == 401


# --- Beyond one line per operation: the same operation, refused or allowed by what the request asks ------------

NATIONAL_IDENTITY = frozenset({"coordinator", "sysadmin"})


@pytest.mark.parametrize(
    "body",
    [
        {"type": "Hotline", "name": "National Trafficking Hotline (24h)"},
        {"type": "Prosecution"},
        {"name": "Safe Passage NGO (national)"},
        {"country": "CY"},
        {"is_lead_agency": False},
    ],
)
def test_only_the_coordinator_or_a_sysadmin_changes_what_an_organisation_is(
    world: World, api_client: dict[str, Client], body: dict[str, Any]
) -> None:
    """An organisation administrator turned her NGO into the national hotline and a prosecution service: what an
    organisation is (name, type, country, lead agency) is the national roles' decision, for every persona."""
    url = f"/api/v1/organisations/{world.ngo_a.pk}"
    before = world.ngo_a.__class__.objects.values().get(pk=world.ngo_a.pk)
    for persona in PERSONAS:
        with transaction.atomic():
            status = api_client[persona].patch(url, data=json.dumps(body), content_type="application/json").status_code
            after = world.ngo_a.__class__.objects.values().get(pk=world.ngo_a.pk)
            transaction.set_rollback(True)
        if persona in NATIONAL_IDENTITY:
            assert status == 200, (persona, status)
        else:
            assert status in (403, 404), (persona, status)
            assert after == before, persona  # a refused write changes nothing


def test_nobody_grants_a_role_to_themselves(world: World, api_client: dict[str, Client]) -> None:
    for persona, organisation in (("org_admin", world.ngo_a), ("sysadmin", world.ministry)):
        for role in ("supervisor", "caseworker", "national_coordinator", "analyst"):
            response = api_client[persona].post(
                f"/api/v1/organisations/{organisation.pk}/members",
                data=json.dumps({"username": persona, "role": role}),
                content_type="application/json",
            )
            assert response.status_code in (403, 422), (persona, role, response.status_code)
    assert {m.role for m in world.org_admin.memberships.all()} == {"org_admin"}
    assert {m.role for m in world.sysadmin.memberships.all()} == {"sysadmin"}


def test_roles_follow_the_organisation_type_when_granted(world: World, api_client: dict[str, Client]) -> None:
    """The administrator of an NGO cannot make anyone a prosecutor (nor, as sysadmin, a coordinator of an NGO)."""
    for persona, role in (("org_admin", "justice"), ("sysadmin", "justice"), ("sysadmin", "national_coordinator")):
        response = api_client[persona].post(
            f"/api/v1/organisations/{world.ngo_a.pk}/members",
            data=json.dumps({"username": "police", "role": role}),
            content_type="application/json",
        )
        assert response.status_code == 422, (persona, role, response.status_code)
        assert response["Content-Type"].startswith("application/problem+json")
    assert not world.police.memberships.filter(organisation=world.ngo_a).exists()


def test_a_proceeding_needs_a_case_referred_to_the_prosecution(world: World, api_client: dict[str, Client]) -> None:
    """A prosecutor opens no proceeding on a case nobody referred to her service, and cannot tell such a case
    from a reference that does not exist; once the case's caseworker records the referral, she can."""
    case = case_register(actor=world.caseworker, organisation=world.ngo_a, person=PersonData(first_name="Ana"))
    body = {
        "case_reference": case.reference,
        "organisation_id": world.prosecution.pk,
        "kind": "trial",
        "survivor_role": "witness",
    }

    def open_it() -> Any:
        return api_client["prosecutor"].post(
            "/api/v1/justice/proceedings", data=json.dumps(body), content_type="application/json"
        )

    refused = open_it()
    assert refused.status_code == 422
    unknown = api_client["prosecutor"].post(
        "/api/v1/justice/proceedings",
        data=json.dumps({**body, "case_reference": "LT-AAAA-AAAA"}),
        content_type="application/json",
    )
    assert unknown.json()["errors"] == refused.json()["errors"]
    consent_give(actor=world.caseworker, case=case, purpose="referral", recipient=world.prosecution)
    assert open_it().status_code == 201
