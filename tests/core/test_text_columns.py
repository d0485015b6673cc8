"""Every text column of every Lantern model, and why it may hold what it holds.

ENCRYPTED: personal data or free text that may name a person (AES-256-GCM, `core.fields`), cleared on erasure.
CODE: a value from a closed list, an identifier, a hash or a machine-written value; never typed prose.
HARMLESS: text that may be typed but is about an organisation, a place or the public, never about a victim (the
reason says which). A new text column fails this test until it is put in one of the three, with its reason."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models

from lantern.cases import closure
from lantern.core.fields import EncryptedMixin

ENCRYPTED, CODE, HARMLESS = "encrypted", "code", "harmless"

STAFF = "about a member of staff, needed in clear to log in and to be reached; not a victim"
PUBLIC = "published on purpose (portal, directory or statistics); written about organisations and services"
LIST = "a list of codes (languages, countries, regions, categories) validated against closed lists"
PLAN = "about the national plan and its organisations, typed by the coordinator and partners; never about a person"
FACTS = "small machine-written facts (ids, codes, counts, dates); checked to hold no free text"

COLUMNS: dict[str, tuple[str, str]] = {
    # core
    "core.user.password": (CODE, "Django's password hash"),
    "core.user.username": (HARMLESS, STAFF),
    "core.user.first_name": (HARMLESS, STAFF),
    "core.user.last_name": (HARMLESS, STAFF),
    "core.user.email": (HARMLESS, STAFF),
    "core.user.preferred_language": (CODE, "a language code"),
    "core.user.work_phone": (HARMLESS, STAFF),  # checked as a phone number (core.phones)
    "core.organisation.name": (HARMLESS, "an organisation's name"),
    "core.organisation.type": (CODE, "a choice"),
    "core.organisation.country": (CODE, "ISO 3166 code"),
    "core.organisation.region": (HARMLESS, "where the organisation works"),
    "core.organisation.languages": (CODE, LIST),
    "core.membership.role": (CODE, "a choice"),
    "core.apitoken.name": (HARMLESS, "a label staff give their integration token"),
    "core.apitoken.prefix": (CODE, "the token's public prefix"),
    "core.apitoken.digest": (CODE, "a hash of the token"),
    "core.auditevent.actor_label": (HARMLESS, STAFF + " (or 'console', 'portal')"),
    "core.auditevent.action": (CODE, "an action name"),
    "core.auditevent.object_type": (CODE, "a model label"),
    "core.auditevent.object_id": (CODE, "an id or a case reference"),
    "core.auditevent.detail": (CODE, FACTS + " (core.audit._check_detail)"),
    "core.auditevent.ip_address": (CODE, "a staff member's address; a portal visitor's is never kept"),
    "core.auditevent.prev_hash": (CODE, "hash chain"),
    "core.auditevent.hash": (CODE, "hash chain"),
    "core.audithead.last_hash": (CODE, "hash chain"),
    "core.breakglassgrant.object_type": (CODE, "a model label"),
    "core.breakglassgrant.object_id": (CODE, "an id or a case reference"),
    "core.breakglassgrant.reason": (ENCRYPTED, "typed by staff about an emergency: may name the person"),
    "core.breakglassgrant.object_label": (CODE, "a case reference or an organisation's name, taken from the record"),
    "core.breakglassgrant.object_url": (CODE, "a path built from a case reference or an organisation id"),
    "core.alert.url": (CODE, "a path built from a case reference or an organisation id"),
    "core.alert.kind": (CODE, "a choice"),
    "core.alert.text": (CODE, "written by Lantern from case references and organisation names, never typed text"),
    "core.alert.object_type": (CODE, "a model label"),
    "core.alert.object_id": (CODE, "an id, a referral's public id or a case reference"),
    "core.outboxevent.kind": (CODE, "an event name"),
    "core.outboxevent.payload": (CODE, FACTS + " (core.outbox checks it like audit details)"),
    "core.outboxconsumption.consumer": (CODE, "a consumer name"),
    "core.workerheartbeat.worker_id": (CODE, "host and process id"),
    "core.workerheartbeat.hostname": (CODE, "a host name"),
    "core.periodicrun.name": (CODE, "a job name"),
    "core.auditevent.key_id": (CODE, "the id of the audit key that signed the row"),
    "core.recoverycode.digest": (CODE, "a keyed hash of a recovery code"),
    "core.recoverycodedevice.name": (HARMLESS, STAFF + " (a device label)"),
    "core.staffsession.session_data": (
        CODE,
        "Django's signed session data: the staff member's id, auth hash and CSRF secret",
    ),
    "core.staffsession.session_key": (CODE, "a hash of the session key; the key itself is never stored"),
    "core.totpdevice.name": (HARMLESS, STAFF + " (a device label)"),
    "core.totpdevice.secret": (ENCRYPTED, "a second factor's secret: a copy of the database must not give the codes"),
    # cases
    "cases.countryprofile.country": (CODE, "ISO 3166 code"),
    "cases.countryprofile.weekend": (CODE, "weekday numbers"),
    "cases.publicholiday.country": (CODE, "ISO 3166 code"),
    "cases.publicholiday.name": (HARMLESS, "a public holiday's name"),
    "cases.person.first_name": (ENCRYPTED, "identity"),
    "cases.person.middle_name": (ENCRYPTED, "identity"),
    "cases.person.second_name": (ENCRYPTED, "identity"),
    "cases.person.birth_date": (ENCRYPTED, "identity"),
    "cases.person.identity_number": (ENCRYPTED, "identity"),
    "cases.person.phone": (ENCRYPTED, "contact"),
    "cases.person.messaging": (ENCRYPTED, "contact"),
    "cases.person.email": (ENCRYPTED, "contact"),
    "cases.person.address": (ENCRYPTED, "contact"),
    "cases.person.mailing_city": (ENCRYPTED, "contact (HTCDS structured address)"),
    "cases.person.mailing_state": (ENCRYPTED, "contact (HTCDS structured address)"),
    "cases.person.mailing_postal_code": (ENCRYPTED, "contact (HTCDS structured address)"),
    "cases.person.mailing_country": (ENCRYPTED, "contact (HTCDS structured address)"),
    "cases.person.home_phone": (ENCRYPTED, "contact"),
    "cases.person.salutation": (ENCRYPTED, "identity: it tells the person's gender or status"),
    "cases.person.title": (ENCRYPTED, "identity"),
    "cases.person.identity_index": (CODE, "keyed HMAC blind index, cleared on erasure"),
    "cases.person.name_index": (CODE, "keyed HMAC blind index of the full name, cleared on erasure"),
    "cases.person.gender": (CODE, "a choice (HTCDS)"),
    "cases.person.primary_language": (CODE, "a language code"),
    "cases.person.other_languages": (CODE, LIST),
    "cases.person.citizenship": (CODE, LIST),
    "cases.person.contact_route": (CODE, "a channel name"),
    "cases.case.reference": (CODE, "the pseudonymous reference"),
    "cases.case.stage": (CODE, "a choice"),
    "cases.case.status": (CODE, "a choice"),
    "cases.case.closure_reason": (ENCRYPTED, "free text: may name the person"),
    "cases.case.closure_code": (CODE, "a choice: cas_ReasonForCaseClosure coded"),
    "cases.closure.code": (CODE, "a choice"),
    "cases.closure.stage_before": (CODE, "a choice"),
    "cases.closure.overridden": (CODE, "the check codes a supervisor overrode"),
    "cases.closure.override_reason": (ENCRYPTED, "why a supervisor closed all the same: may tell the person's story"),
    "cases.reopening.code": (CODE, "a choice"),
    "cases.reopening.reason": (ENCRYPTED, "why the case opens again: her story (re-trafficked...)"),
    "cases.returnplan.country": (CODE, "ISO 3166 code"),
    "cases.returnplan.status": (CODE, "a choice"),
    "cases.returnplan.own_request_text": (ENCRYPTED, "the person's request to go home, in her words"),
    "cases.returnplan.risk_level": (CODE, "a choice"),
    "cases.returnplan.risk_reasons": (ENCRYPTED, "the pre-return risk assessment's reasons: her story"),
    "cases.returnplan.safety_measures": (ENCRYPTED, "the safety measures of a return at high risk: where she goes"),
    "cases.returnplan.receiving_name": (ENCRYPTED, "the receiving organisation: tells where she lives now"),
    "cases.returnplan.receiving_contact": (ENCRYPTED, "a contact that reaches her"),
    "cases.returnplan.follow_up_outcome": (CODE, "a choice"),
    "cases.followupcontact.outcome": (CODE, "a choice"),
    "cases.case.referral_legal_basis": (ENCRYPTED, "free text: a court order may name the person"),
    "cases.case.trafficking_status": (CODE, "a choice"),
    "cases.case.status_decided_by": (CODE, "a choice"),
    "cases.case.relationship_to_trafficker": (CODE, "a choice"),
    "cases.case.age_band": (CODE, "an age band"),
    "cases.case.recruitment_methods": (CODE, LIST),
    "cases.case.recruitment_platforms": (CODE, LIST),
    "cases.case.methods_of_control": (CODE, LIST),
    "cases.case.forms_of_exploitation": (CODE, LIST),
    "cases.case.forced_labour_industry": (CODE, "an ISIC letter"),
    "cases.case.sex_exploitation_types": (CODE, LIST),
    "cases.case.vulnerabilities": (CODE, LIST),
    "cases.case.disability_domains": (CODE, LIST),
    "cases.case.migration_status": (CODE, "a code"),
    "cases.case.at_risk_groups": (CODE, LIST),
    "cases.case.crisis_circumstances": (CODE, LIST),
    "cases.case.recruitment_country": (CODE, "ISO 3166 code"),
    "cases.case.recruitment_region": (CODE, "an administrative region, counted; cleared on erasure"),
    "cases.case.exploitation_country": (CODE, "ISO 3166 code"),
    "cases.case.exploitation_region": (CODE, "an administrative region, counted; cleared on erasure"),
    "cases.case.needs": (CODE, LIST),
    "cases.case.vulnerability_details": (ENCRYPTED, "free text (HTCDS): her story"),
    "cases.case.incoming_referral_organisation": (HARMLESS, "an organisation's name, from an HTCDS import"),
    "cases.case.incoming_referral_caseworker": (ENCRYPTED, "a person's name, typed in another system"),
    "cases.case.incoming_referral_reason": (CODE, "a choice (HTCDS)"),
    "cases.case.incoming_referral_details": (ENCRYPTED, "free text: may name the person"),
    "cases.case.outgoing_referral_organisation": (HARMLESS, "an organisation's name, from an HTCDS import"),
    "cases.case.outgoing_referral_caseworker": (ENCRYPTED, "a person's name, typed in another system"),
    "cases.case.outgoing_referral_reason": (CODE, "a choice (HTCDS)"),
    "cases.case.outgoing_referral_details": (ENCRYPTED, "free text: may name the person"),
    "cases.case.needs_met": (CODE, LIST),
    "cases.ageassessment.assessor_role": (CODE, "a choice"),
    "cases.ageassessment.method": (CODE, "a choice"),
    "cases.ageassessment.result_band": (CODE, "a choice"),
    "cases.bestinterests.body_name": (HARMLESS, "the public body that determined, e.g. a child protection panel"),
    "cases.bestinterests.kind": (CODE, "a choice"),
    "cases.bestinterests.reasons": (ENCRYPTED, "why a durable solution is in the child's best interests: her story"),
    "cases.bestinterests.solution": (CODE, "a choice"),
    "cases.case.minority_basis": (CODE, "a choice"),
    "cases.case.separation": (CODE, "a choice"),
    "cases.charge.authority": (HARMLESS, "the police, court or office that charged or fined her; cleared on erasure"),
    "cases.charge.currency": (CODE, "an ISO 4217 code, validated"),
    "cases.charge.kind": (CODE, "a choice"),
    "cases.charge.offence": (CODE, "a choice"),
    "cases.nonpunishmentrequest.addressed_to": (HARMLESS, "the prosecutor or court asked; cleared on erasure"),
    "cases.nonpunishmentrequest.grounds": (ENCRYPTED, "what she was compelled to do: her story"),
    "cases.nonpunishmentrequest.outcome": (CODE, "a choice"),
    "cases.removalrisk.authority": (HARMLESS, "the authority that detained or ordered her removal; cleared on erasure"),
    "cases.removalrisk.kind": (CODE, "a choice"),
    "cases.removalrisk.resolution": (CODE, "a choice"),
    "cases.residencepermit.kind": (CODE, "a choice"),
    "cases.residencepermit.status": (CODE, "a choice"),
    "cases.childviews.about": (CODE, "a choice"),
    "cases.childviews.views": (ENCRYPTED, "what the child said, in her words"),
    "cases.consent.given_by": (CODE, "a choice"),
    "cases.guardian.appointed_by": (HARMLESS, "the appointing authority (a court, a service), never the child"),
    "cases.guardian.contact": (ENCRYPTED, "the guardian's phone or e-mail: it leads to the child"),
    "cases.guardian.name": (ENCRYPTED, "the guardian's name: it identifies the child as well"),
    "cases.journeyevent.kind": (CODE, "a choice (HTCDS hte_Type)"),
    "cases.journeyevent.country": (CODE, "ISO 3166 code"),
    "cases.journeyevent.region": (CODE, "an administrative region of the journey, counted; cleared on erasure"),
    "cases.journeyevent.city": (CODE, "a city or town of the journey, counted for routes; cleared on erasure"),
    "cases.journeyevent.street": (ENCRYPTED, "a street or place: it may be a home or the place she was held"),
    "cases.journeyevent.postal_code": (ENCRYPTED, "with the street, it points at a home"),
    "cases.journeyevent.latitude": (ENCRYPTED, "a precise place: it may be a home or the place she was held"),
    "cases.journeyevent.longitude": (ENCRYPTED, "a precise place: it may be a home or the place she was held"),
    "cases.journeyevent.transport": (CODE, "a choice"),
    "cases.journeyevent.border_crossing": (CODE, "a choice"),
    "cases.journeyevent.description": (ENCRYPTED, "free text: it tells the person's story and may name people"),
    "cases.perpetrator.name": (ENCRYPTED, "a perpetrator's name or alias: personal data, and it leads to her"),
    "cases.perpetrator.gender": (CODE, "a choice"),
    "cases.perpetrator.age_band": (CODE, "an age band of codes.AGE_BANDS"),
    "cases.perpetrator.citizenship": (CODE, LIST),
    "cases.perpetrator.roles": (CODE, LIST),
    "cases.perpetrator.role_details": (ENCRYPTED, "free text about what someone did: it may name people"),
    "cases.perpetrator.relationship": (CODE, "a choice"),
    "shelters.room.age_group": (CODE, "a choice"),
    "cases.decision.kind": (CODE, "a choice"),
    "cases.decision.outcome": (CODE, "a choice"),
    "cases.decision.reasons": (ENCRYPTED, "the competent authority's reasons: what happened to the person"),
    "cases.decision.reconsideration_grounds": (ENCRYPTED, "the person's request, in her or her lawyer's words"),
    "cases.decision.served_language": (CODE, "a language code"),
    "cases.consent.purpose": (CODE, "a choice"),
    "cases.consent.channel": (CODE, "a channel name"),
    "cases.assessment.kind": (CODE, "a choice"),
    "cases.assessment.needs": (CODE, LIST),
    "cases.assessment.risk_level": (CODE, "a choice"),
    "cases.assessment.notes": (ENCRYPTED, "free text about the person"),
    "cases.assessment.safety_plan": (ENCRYPTED, "what keeps the person safe: it says where she is and who guards her"),
    "cases.case.consent_language": (CODE, "a language code"),
    "cases.case.interview_language": (CODE, "a language code"),
    "cases.case.decisions_language": (CODE, "a language code"),
    "cases.assistanceplan.objectives": (ENCRYPTED, "free text about the person"),
    "cases.assistanceplan.agreed_how": (CODE, "a choice"),
    "cases.planaction.service_type": (CODE, "a service code"),
    "cases.planaction.status": (CODE, "a choice"),
    "cases.planaction.stop_reason": (ENCRYPTED, "why an action stopped, in free text"),
    "cases.planreview.changes": (ENCRYPTED, "free text about the person"),
    "cases.servicedeclined.service_type": (CODE, "a service code"),
    "cases.servicedeclined.reason": (ENCRYPTED, "the person's reason, in free text"),
    "cases.mediatorassignment.kind": (CODE, "a choice"),
    "cases.mediatorassignment.language": (CODE, "a language code"),
    "cases.note.text": (ENCRYPTED, "free text about the person"),
    "cases.timelineentry.kind": (CODE, "an event name"),
    "cases.timelineentry.detail": (CODE, FACTS + " (an erasure request is kept as a keyed index only)"),
    "cases.indicatorchecklist.version": (CODE, "the version of the checklist file"),
    "cases.indicatorresponse.code": (CODE, "an indicator's code from the checklist file"),
    "cases.indicatorresponse.answer": (CODE, "a choice"),
    "cases.anonymousnotification.gender": (CODE, "a choice (HTCDS)"),
    "cases.anonymousnotification.age_band": (CODE, "an adult age band"),
    "cases.anonymousnotification.citizenship": (CODE, "ISO 3166 code"),
    "cases.anonymousnotification.forms_of_exploitation": (CODE, LIST),
    "cases.anonymousnotification.exploitation_country": (CODE, "ISO 3166 code"),
    "cases.anonymousnotification.exploitation_region": (CODE, "a region chosen from the organisations' regions"),
    # crisis
    "crisis.crisisevent.name": (HARMLESS, PUBLIC),
    "crisis.crisisevent.kind": (CODE, "a choice"),
    "crisis.crisisevent.country": (CODE, "ISO 3166 code"),
    "crisis.crisisevent.regions": (CODE, LIST),
    "crisis.measure.kind": (CODE, "a choice"),
    "crisis.measure.regions": (CODE, LIST),
    "crisis.measure.note": (HARMLESS, PUBLIC + " (a public measure: 'shops close at 18:00')"),
    "crisis.packageitem.service_type": (CODE, "a service code"),
    # providers
    "providers.offering.service_type": (CODE, "a service code"),
    "providers.offering.regions": (CODE, LIST),
    "providers.offering.languages": (CODE, LIST),
    "providers.offering.delivery_modes": (CODE, LIST),
    "providers.offering.eligibility_note": (HARMLESS, PUBLIC),
    "providers.offering.hours": (HARMLESS, PUBLIC),
    "providers.offering.public_contact": (HARMLESS, PUBLIC),
    "providers.offering.text_language": (CODE, "a language code"),
    "providers.offering.translations": (HARMLESS, PUBLIC + " (the same words in other languages)"),
    "providers.offeringregion.service_type": (CODE, "a service code"),
    "providers.offeringregion.region": (CODE, "an administrative region"),
    "providers.statuschange.status": (CODE, "a choice"),
    "providers.statuschange.reason": (HARMLESS, "why an organisation's service is closed or remote; about the service"),
    "providers.providerstate.status": (CODE, "a choice"),
    # referrals
    "referrals.referral.public_id": (CODE, "128 random bits"),
    "referrals.referral.service_type": (CODE, "a service code"),
    "referrals.referral.urgency": (CODE, "a choice"),
    "referrals.referral.status": (CODE, "a choice"),
    "referrals.referral.idempotency_key": (CODE, "a client's retry key"),
    "referrals.referral.decline_code": (CODE, "a choice"),
    "referrals.referral.decline_reason": (ENCRYPTED, "free text: may name the person (cleared through cases.erasure)"),
    "referrals.referral.delivery_mode": (CODE, "a delivery mode"),
    "referrals.referral.outcome": (CODE, "a choice"),
    # shelters
    "shelters.room.name": (HARMLESS, "a room's name in a shelter"),
    "shelters.room.wing": (CODE, "a choice"),
    "shelters.room.restriction": (CODE, "a choice"),
    "shelters.bed.label": (HARMLESS, "a bed's label"),
    "shelters.stay.destination": (CODE, "a choice"),
    "shelters.bedassignment.wing": (CODE, "a choice"),
    "shelters.quarantinestep.kind": (CODE, "a choice"),
    "shelters.quarantinestep.result": (CODE, "a choice"),
    "shelters.waitingentry.region": (CODE, "an administrative region"),
    "shelters.waitingentry.restriction": (CODE, "a choice"),
    # justice
    "justice.court.name": (HARMLESS, "a court's name"),
    "justice.court.country": (CODE, "ISO 3166 code"),
    "justice.court.region": (HARMLESS, "where the court sits"),
    "justice.court.time_zone": (CODE, "an IANA time zone"),
    "justice.calendarfeed.token_hash": (CODE, "the SHA-256 of a calendar feed's secret"),
    "justice.calendarfeed.language": (CODE, "a language code"),
    "justice.proceeding.kind": (CODE, "a choice"),
    "justice.proceeding.survivor_role": (CODE, "a choice"),
    "justice.protectivemeasure.kind": (CODE, "a choice"),
    "justice.protectivemeasure.language": (CODE, "a language code"),
    "justice.hearing.mode": (CODE, "a choice"),
    "justice.hearing.status": (CODE, "a choice"),
    "justice.hearing.postponement_reason": (CODE, "a choice"),
    "justice.hearing.cancellation_reason": (CODE, "a choice (proceeding concluded)"),
    "justice.proceeding.representative_lawyer": (ENCRYPTED, "the survivor's lawyer's name: it says who represents her"),
    "justice.defendant.outcome": (CODE, "a choice"),
    "justice.compensation.payer": (CODE, "a choice (offender, state fund)"),
    "justice.compensation.currency": (CODE, "ISO 4217 code"),
    "justice.compensation.fund_status": (CODE, "a choice"),
    "justice.protectivemeasure.status": (CODE, "a choice"),
    # notify
    "notify.delivery.kind": (CODE, "an event name"),
    "notify.delivery.recipient": (CODE, "'survivor' or 'user:<id>'"),
    "notify.delivery.channel": (CODE, "a choice"),
    "notify.delivery.transport": (CODE, "a transport name"),
    "notify.delivery.language": (CODE, "a language code"),
    "notify.delivery.detail": (CODE, "a choice"),
    "notify.delivery.status": (CODE, "a choice"),
    "notify.delivery.reason": (CODE, "a choice"),
    "notify.delivery.claimed_by": (CODE, "host and process id"),
    "notify.delivery.last_error": (CODE, "an error code, never the gateway's message"),
    "notify.delivery.provider_reference": (CODE, "the gateway's message id"),
    "notify.caseworkertask.kind": (CODE, "a choice"),
    "notify.caseworkertask.language": (CODE, "a language code"),
    # insights and publication
    "insights.indicatorvalue.indicator": (CODE, "an indicator name"),
    "insights.indicatorvalue.grain": (CODE, "a time grain"),
    "insights.indicatorvalue.region": (CODE, "an administrative region"),
    "insights.indicatorvalue.sex": (CODE, "a code"),
    "insights.indicatorvalue.age_band": (CODE, "an age band"),
    "insights.indicatorvalue.form": (CODE, "a code"),
    "insights.indicatorvalue.border": (CODE, "a code"),
    "insights.indicatorvalue.platform": (CODE, "a code"),
    "insights.indicatorvalue.child": (CODE, "a code (child, presumed child, adult)"),
    "insights.indicatorvalue.disability": (CODE, "a code"),
    "insights.indicatorvalue.at_risk": (CODE, "an at-risk group code"),
    "insights.refreshcheckpoint.indicator": (CODE, "an indicator name"),
    "insights.refreshcheckpoint.high_ids": (CODE, "row ids"),
    "publication.publicationdataset.key": (CODE, "a dataset key"),
    "publication.publicationdataset.label": (HARMLESS, PUBLIC),
    "publication.publicationrelease.mode": (CODE, "a choice"),
    "publication.publicationrelease.dimensions": (CODE, "dimension names"),
    "publication.publicationrelease.table_csv": (HARMLESS, PUBLIC + " (suppressed or noisy counts)"),
    "publication.publicationrelease.note": (HARMLESS, PUBLIC),
    "publication.publicationrelease.notes": (HARMLESS, PUBLIC + " (the methodology note in each language)"),
    "publication.publicationrelease.chart_svg": (HARMLESS, PUBLIC),
    "publication.publicationrelease.chart_data": (HARMLESS, PUBLIC),
    # portal
    "portal.crisismessage.key": (CODE, "a message key"),
    "portal.crisismessage.shown_while": (CODE, "a measure kind, or movement"),
    "portal.messagetext.language": (CODE, "a language code"),
    "portal.messagetext.title": (HARMLESS, PUBLIC),
    "portal.messagetext.body": (HARMLESS, PUBLIC),
    "portal.intake.language": (CODE, "a language code"),
    "portal.intake.channel": (CODE, "a choice"),
    "portal.intake.contact": (ENCRYPTED, "a visitor's contact, erased when dealt with"),
    "portal.intake.safe_times": (ENCRYPTED, "may name the people around the visitor"),
    "portal.intake.if_someone_else": (CODE, "a choice"),
    "portal.intake.note": (ENCRYPTED, "free text from the visitor"),
    "portal.intake.status": (CODE, "a choice"),
    "portal.intake.close_reason": (CODE, "a choice"),
    "portal.intake.case_reference": (CODE, "a case reference"),
    "portal.usedformtoken.digest": (CODE, "a hash"),
    "portal.ratecounter.bucket": (CODE, "a truncated keyed hash of the address"),
    # providers (the directory review)
    "providers.offering.approved_public": (HARMLESS, PUBLIC + " (the version the coordinator approved)"),
    "providers.offering.reviewed_public": (HARMLESS, PUBLIC + " (the version the coordinator last reviewed)"),
    "providers.offering.review_reason": (HARMLESS, "why the coordinator did not approve an entry; about the service"),
    # linkage
    "linkage.encodingset.fingerprint": (CODE, "a short hash of the shared secret, not the secret"),
    "linkage.encodingset.record_ids": (CODE, "pseudonymous case references, one a line"),
    "linkage.linkagerun.shared_by_organisation": (CODE, FACTS + " (counts per organisation)"),
    "linkage.linkagerun.threshold_how": (CODE, "a choice"),
    # preparedness
    "preparedness.assessment.country": (CODE, "ISO 3166 code"),
    "preparedness.assessment.region": (HARMLESS, "a region of the country"),
    "preparedness.assessment.status": (CODE, "a choice"),
    "preparedness.assessment.title": (HARMLESS, PLAN),
    "preparedness.checklistversion.country": (CODE, "ISO 3166 code"),
    "preparedness.checklistversion.source": (HARMLESS, PLAN + " (the checklist file)"),
    "preparedness.checklistversion.version": (CODE, "a version label"),
    "preparedness.crisisrole.duty": (HARMLESS, PLAN),
    "preparedness.crisisrole.phase": (CODE, "a choice"),
    "preparedness.crisisrole.sop": (HARMLESS, PLAN),
    "preparedness.itemanswer.comment": (HARMLESS, PLAN),
    "preparedness.itemanswer.evidence": (HARMLESS, PLAN),
    "preparedness.itemanswer.item_id": (CODE, "a checklist item id"),
    "preparedness.itemanswer.lantern_decision": (CODE, "a choice"),
    "preparedness.itemanswer.lantern_figures": (CODE, FACTS + " (national counts read through selectors)"),
    "preparedness.itemanswer.link": (HARMLESS, PLAN + " (a link to a document)"),
    "preparedness.itemanswer.override_reason": (HARMLESS, PLAN),
    "preparedness.itemchange.changes": (HARMLESS, PLAN + " (the values changed, as typed)"),
    "preparedness.planaction.item_id": (CODE, "a checklist item id"),
    "preparedness.planaction.status": (CODE, "a choice"),
    "preparedness.planaction.title": (HARMLESS, PLAN),
    # simulate
    "simulate.simulationrun.compare": (HARMLESS, "a scenario (TOML) of capacities and rates; no person in it"),
    "simulate.simulationrun.error": (CODE, "the one-line reason a scenario was refused"),
    "simulate.simulationrun.result": (CODE, FACTS + " (simulated waits, occupancy and costs)"),
    "simulate.simulationrun.scenario": (HARMLESS, "a scenario (TOML) of capacities and rates; no person in it"),
    "simulate.simulationrun.status": (CODE, "a choice"),
}


def _text_columns() -> dict[str, models.Field]:
    found: dict[str, models.Field] = {}
    for model in apps.get_models():
        if not model.__module__.startswith("lantern."):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField | models.JSONField | EncryptedMixin):
                found[f"{model._meta.label_lower}.{field.name}"] = field
    return found


def test_every_text_column_is_classified_with_a_reason() -> None:
    columns = _text_columns()
    unclassified = sorted(set(columns) - set(COLUMNS))
    assert unclassified == [], "classify these text columns in COLUMNS (encrypted, code or harmless, and why)"
    assert sorted(set(COLUMNS) - set(columns)) == [], "these columns are gone: remove them from COLUMNS"
    assert all(kind in (ENCRYPTED, CODE, HARMLESS) and why for kind, why in COLUMNS.values())


def test_the_columns_said_encrypted_are_and_no_other() -> None:
    columns = _text_columns()
    encrypted = {name for name, field in columns.items() if isinstance(field, EncryptedMixin)}
    assert encrypted == {name for name, (kind, _) in COLUMNS.items() if kind == ENCRYPTED}


def test_columns_with_a_closed_list_of_choices_are_codes() -> None:
    columns = _text_columns()
    assert [name for name, field in columns.items() if field.choices and COLUMNS[name][0] != CODE] == []


def _rows_of_case(model: type[models.Model], case: object) -> models.QuerySet | None:
    """The model's rows about the case, when the model points to a case or its person."""
    for field in model._meta.concrete_fields:
        target = getattr(field, "related_model", None)
        if target is not None and target._meta.label_lower == "cases.case":
            return model._default_manager.filter(**{field.name: case})
        if target is not None and target._meta.label_lower == "cases.person":
            return model._default_manager.filter(**{field.name: case.person})  # type: ignore[attr-defined]
    if model._meta.label_lower == "cases.case":
        return model._default_manager.filter(pk=case.pk)  # type: ignore[attr-defined]
    if model._meta.label_lower == "cases.person":
        return model._default_manager.filter(pk=case.person_id)  # type: ignore[attr-defined]
    return None


def test_an_erasure_leaves_no_encrypted_column_about_the_case_filled(
    consented_case: object, world: object, offers: dict
) -> None:
    """Every encrypted column of every row that points to the erased case (or its person) is empty: an app that
    adds one and forgets to clear it (through cases.erasure) fails here."""
    from lantern.cases import services as cases
    from lantern.referrals import services as referrals

    w: Any = world
    case: Any = consented_case
    cases.note_add(actor=w.caseworker, case=case, text="Maria told us about Kostas")
    referral = referrals.referral_create(
        actor=w.caseworker, case=case, recipient=w.legal_aid, service_type="legal_counselling"
    )
    referrals.referral_decline(actor=w.provider, referral=referral, reason="We know Maria's family")
    closure.case_close(actor=w.caseworker, case=case, reason="Maria went back to her aunt in Larissa")
    cases.case_erase(actor=w.supervisor, case=case, request_reference="Request 2026/14")
    checked = set()
    for model in apps.get_models():
        encrypted = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]
        rows = _rows_of_case(model, case) if encrypted else None
        if rows is None:
            continue
        for row in rows.values(*[f.name for f in encrypted]):
            assert all(value in ("", None) for value in row.values()), (model._meta.label_lower, row)
        checked.add(model._meta.label_lower)
    assert {"cases.person", "cases.case", "cases.note", "referrals.referral"} <= checked
