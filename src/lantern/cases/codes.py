"""The picklists of the case registry, in HTCDS 2.0 value names where HTCDS has them
(`shared/standards/htcds-2.0-fields.csv`), with English labels for pages and exports."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Gender(models.TextChoices):  # prs_Gender
    FEMININE = "Feminine", _("Female")
    MASCULINE = "Masculine", _("Male")
    TRANSGENDER_FEMININE = "TransgenderFeminine", _("Transgender female")
    TRANSGENDER_MASCULINE = "TransgenderMasculine", _("Transgender male")
    NON_CONFORMING = "NonConforming", _("Non-conforming")
    UNKNOWN = "NonSpecifiedUnknown", _("Not specified or unknown")


class TraffickingStatus(models.TextChoices):  # vic_TraffickingStatus
    POSSIBLE = "PossibleVictimOfTrafficking", _("Presumed victim")
    ACTUAL = "ActualVictimOfTrafficking", _("Identified as a victim")
    NOT_A_VICTIM = "NotAVictimOfTrafficking", _("Not identified as a victim")


class DecisionMaker(models.TextChoices):  # vic_TraffickingStatusDecisionMakingOrg
    POLICE = "Police", _("Police")
    NGO = "NGO", _("NGO")
    COURT_OR_PROSECUTION = "CourtOrProsecution", _("Court or prosecution")
    NON_POLICE_GOVERNMENT = "NonPoliceGovernmentalOrganization", _("Other government body")
    OTHER = "Other", _("Other")


class Relationship(models.TextChoices):  # vic_RelationshipToTrafficker
    FAMILIAL = "Familial", _("Family")
    ACQUAINTED = "Acquainted", _("Acquaintance")
    UNACQUAINTED = "Unaquainted", _("Stranger")  # sic, as HTCDS spells it


class CaseStatus(models.TextChoices):  # cas_Status
    ACTIVE = "Active", _("Active")
    FOLLOW_UP = "FollowUp", _("Follow-up")
    CLOSED = "Closed", _("Closed")
    CLOSED_REFERRED = "ClosedReferred", _("Closed, referred")


class ClosureReason(models.TextChoices):  # cas_ReasonForCaseClosure, coded (the free text stays as a note)
    GOALS_MET = "goals_met", _("Support goals met")
    INTEGRATED = "integrated", _("Reintegrated locally")
    RETURNED = "returned", _("Returned to the country of origin")
    REMOVED = "removed", _("Removed from the country by the authorities")
    REFERRED = "referred", _("Referred to another organisation")
    DECLINED = "declined", _("The person declined further support")
    LOST_CONTACT = "lost_contact", _("Contact lost")
    NOT_A_VICTIM = "not_a_victim", _("Found not to be a victim")
    DECEASED = "deceased", _("The person died")
    OTHER = "other", _("Other reason")


class ReopenReason(models.TextChoices):
    RE_TRAFFICKED = "re_trafficked", _("Trafficked again")
    NEW_NEED = "new_need", _("A new need for support")
    NEW_PROCEEDING = "new_proceeding", _("A new proceeding")
    ERROR = "error", _("Closed in error")


class ReturnRisk(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class ReturnOutcome(models.TextChoices):
    SAFE = "safe", _("Safe and supported")
    STRUGGLING = "struggling", _("In difficulty, support continues")
    RE_TRAFFICKED = "re_trafficked", _("Trafficked again")
    NO_CONTACT = "no_contact", _("No contact")


RECRUITMENT_METHODS = {  # vic_MethodOfRecruitment
    "AtAPlaceOfBusiness": _("At a place of business"),
    "AtAnEducationalInstitution": _("At an educational institution"),
    "AtWork": _("At work"),
    "ThroughOnlineSocialNetworks": _("Through online social networks"),
    "ThroughAnOnlineAdvertisement": _("Through an online advertisement"),
    "ThroughATelevisionAdvert": _("Through a television advert"),
    "ThroughANewspaperAdvert": _("Through a newspaper advert"),
    "ThroughFamilyOrFamilyEvents": _("Through family"),
    "ThroughFriendsOrSocialEvents": _("Through friends"),
    "Other": _("Other"),
}
ONLINE_RECRUITMENT = frozenset({"ThroughOnlineSocialNetworks", "ThroughAnOnlineAdvertisement"})

PLATFORM_NAMES = (
    "Facebook Instagram WhatsApp Telegram FacebookMessenger Viber SnapChat Line 4Sale WeChat QQ QZone TikTok "
    "Twitter Other"
)
PLATFORMS = {code: code for code in PLATFORM_NAMES.split()}  # vic_RecruitmentWebsitesAndApps

METHODS_OF_CONTROL = {  # vic_MethodsOfControl
    "PhysicalThreats": _("Physical threats"),
    "ThreatsLawEnforcement": _("Threats of law enforcement"),
    "ThreatensChildrenFamily": _("Threats to children or family"),
    "DebtBondage": _("Debt bondage"),
    "FalsePromises": _("False promises"),
    "PhysicalAbuse": _("Physical abuse"),
    "SexualAbuse": _("Sexual abuse"),
    "TakesEarnings": _("Takes earnings"),
    "RestrictsFinancialAccess": _("Restricts financial access"),
    "RestrictsMedicalCare": _("Restricts medical care"),
    "WithholdsNecessities": _("Withholds necessities"),
    "PsychologicalAbuse": _("Psychological abuse"),
    "PsychoactiveSubstance": _("Psychoactive substances"),
    "ExcessiveWorkingHours": _("Excessive working hours"),
    "WithholdsDocuments": _("Withholds documents"),
    "Other": _("Other"),
}

EXPLOITATION = {  # vic_TypeOfExploitation
    "ForcedLabour": _("Forced labour"),
    "SexualExploitation": _("Sexual exploitation"),
    "ChildLabour": _("Child labour"),
    "ForcedMarriage": _("Forced marriage"),
    "Servitude": _("Servitude"),
    "ForcedMilitaryByNonStateActors": _("Forced military service"),
    "OrganRemoval": _("Organ removal"),
    "ForcedBegging": _("Forced begging"),
    "ForcedCriminality": _("Forced criminal activity"),  # UNODC GLOTIP; HTCDS files it under Other
    "ForcedAdoption": _("Forced adoption"),
    "Surrogacy": _("Surrogacy"),
    "Other": _("Other"),
}

ISIC_SECTIONS = {  # vic_ForcedLabourIndustry (ISIC rev. 4 sections)
    "A": _("Agriculture, forestry and fishing"),
    "B": _("Mining and quarrying"),
    "C": _("Manufacturing"),
    "D": _("Electricity and gas supply"),
    "E": _("Water supply and waste management"),
    "F": _("Construction"),
    "G": _("Wholesale and retail trade"),
    "H": _("Transportation and storage"),
    "I": _("Accommodation and food services"),
    "J": _("Information and communication"),
    "K": _("Financial and insurance activities"),
    "L": _("Real estate activities"),
    "M": _("Professional and scientific activities"),
    "N": _("Administrative and support services"),
    "O": _("Public administration and defence"),
    "P": _("Education"),
    "Q": _("Human health and social work"),
    "R": _("Arts and entertainment"),
    "S": _("Other service activities"),
    "T": _("Activities of households as employers"),
    "U": _("Extraterritorial organisations"),
}

# vic_ForcedLabourIndustry's value names: what an HTCDS file holds (the case keeps the ISIC letter)
ISIC_VALUE_NAMES = {
    "A": "A_AgricultureForestryAndFishing",
    "B": "B_MiningAndQuarrying",
    "C": "C_Manufacturing",
    "D": "D_ElectricityGasSteamAndAirConditioningSupply",
    "E": "E_WaterSupplySewerageWasteManagement",
    "F": "F_Construction",
    "G": "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
    "H": "H_TransportationAndStorage",
    "I": "I_AccommodationAndFoodServiceActivities",
    "J": "J_InformationAndCommunication",
    "K": "K_FinancialAndInsuranceActivities",
    "L": "L_RealEstateActivities",
    "M": "M_ProfessionalScientificAndTechnicalActivities",
    "N": "N_AdministrativeAndSupportServiceActivities",
    "O": "O_PublicAdministrationAndDefence",
    "P": "P_Education",
    "Q": "Q_HumanHealthAndSocialWorkActivities",
    "R": "R_ArtsEntertainmentAndRecreation",
    "S": "S_OtherServiceActivities",
    "T": "T_ActivitiesOfHouseholdsAsEmployers",
    "U": "U_ActivitiesOfExtraterritorialOrganizations",
}


class ReferralReason(models.TextChoices):  # cas_ReasonForIncomingReferral, cas_ReasonForOutgoingReferral
    ADDITIONAL_SERVICES = "AdditionalServicesRequired", _("Additional services required")
    MIGRATION_OR_MOVE = "MigrationOrChangeOfLocation", _("Migration or change of location")
    OTHER = "Other", _("Other")


SEX_EXPLOITATION = {  # vic_TypeOfSexExploitation
    "Prostitution": _("Exploitation of prostitution"),
    "Pornography": _("Pornography"),
    "RemoteInteractiveServices": _("Remote interactive services"),
    "PrivateSexualServices": _("Private sexual services"),
}

VULNERABILITIES = {  # vic_Vulnerabilities
    "Addiction": _("Addiction"),
    "SocialGroup": _("Social group"),
    "Discrimination": _("Discrimination"),
    "Poverty": _("Poverty"),
    "DisabilityAndPhysicalHealth": _("Disability and physical health"),
    "MentalHealth": _("Mental health"),
    "Migration": _("Migration"),
    "Homelessness": _("Homelessness"),
    "AbuseSocialMedia": _("Abuse on social media"),
    "AbusePhysical": _("Physical abuse"),
    "Education": _("Education"),
    "WorkEnvironment": _("Work environment"),
}

# The Washington Group short set: a domain is recorded when the person has a lot of difficulty or cannot do it.
DISABILITY_DOMAINS = {
    "seeing": _("Seeing"),
    "hearing": _("Hearing"),
    "walking": _("Walking or climbing steps"),
    "cognition": _("Remembering or concentrating"),
    "self_care": _("Self-care"),
    "communication": _("Communicating"),
}

MIGRATION_STATUS = {
    "citizen": _("Citizen"),
    "regular": _("Regular residence"),
    "irregular": _("Irregular or undocumented"),
    "asylum_seeker": _("Asylum seeker"),
    "refugee": _("Refugee"),
    "stateless": _("Stateless"),
    "unknown": _("Unknown"),
}

# The at-risk groups of the recommendations for pandemic preparedness plans (fourteen). A case whose list is empty
# was either not asked or asked and in none of them: `Case.at_risk_asked` tells which (the same for disability).
AT_RISK_GROUPS = {
    "humanitarian_emergency": _("Living in a humanitarian emergency"),
    "poor_economic_opportunities": _("Poor economic or employment opportunities"),
    "child_without_education": _("Child with reduced or no access to education"),
    "disability_or_learning_difficulty": _("Disability or learning difficulty"),
    "mental_health": _("Mental health issues"),
    "addiction": _("Drug or alcohol addiction"),
    "unaccompanied_child": _("Unaccompanied or separated child"),
    "migrant": _("Migrant, refugee, asylum seeker or undocumented"),
    "seasonal_worker": _("Seasonal worker"),
    "female_domestic_worker": _("Female domestic worker"),
    "sexual_gender_minority": _("Sexual or gender minority"),
    "ethnic_religious_minority": _("Ethnic or religious minority"),
    "homeless": _("Homeless or in precarious housing"),
    "women_and_children": _("Women and children"),
}

# What the UNODC study found traffickers did, and what happened to victims, during the pandemic.
CRISIS_CIRCUMSTANCES = {
    "recruited_locally_in_crisis": _("Recruited locally during the crisis"),
    "recruited_online_in_crisis": _("Recruited online during the crisis"),
    "exploited_in_private_home": _("Exploited in a private home"),
    "abandoned_by_trafficker": _("Abandoned by the trafficker"),
    "confined_with_trafficker": _("Confined with the trafficker"),
    "lost_livelihood": _("Lost livelihood"),
    "stranded_by_border_closure": _("Stranded by a border closure"),
}

CONTACT_ROUTES = {  # the safest first: the default when nothing is said
    "caseworker_only": _("Only through the caseworker"),
    "phone": _("Phone call"),
    "sms": _("Text message"),
    "messaging": _("Messaging app"),
    "email": _("E-mail"),
}

# What the case page shows for each kind of timeline entry. The apps to the right add the kinds they write in
# their AppConfig.ready (justice, shelters); cases.services.timeline_record refuses a kind without a label.
TIMELINE = {
    "register": pgettext_lazy("timeline", "Registered"),
    "update": pgettext_lazy("timeline", "Details changed"),
    "assign": pgettext_lazy("timeline", "Assigned"),
    "transfer": pgettext_lazy("timeline", "Handed over to another organisation"),
    "refer_to_authority": pgettext_lazy("timeline", "Referred to the competent authority"),
    "decision": pgettext_lazy("timeline", "Decision recorded"),
    "decision_serve": pgettext_lazy("timeline", "Decision served on the person"),
    "plan_return": pgettext_lazy("timeline", "Return planned"),
    "close": pgettext_lazy("timeline", "Closed"),
    "close_override": pgettext_lazy("timeline", "Closed by a supervisor despite open matters"),
    "follow_up": pgettext_lazy("timeline", "Follow-up contact recorded"),
    "reopen": pgettext_lazy("timeline", "Reopened"),
    "return_plan": pgettext_lazy("timeline", "Return planned"),
    "return_follow_up": pgettext_lazy("timeline", "Follow-up after the return recorded"),
    "consent_give": pgettext_lazy("timeline", "Consent given"),
    "consent_withdraw": pgettext_lazy("timeline", "Consent withdrawn"),
    "note": pgettext_lazy("timeline", "Note added"),
    "assessment": pgettext_lazy("timeline", "Assessment recorded"),
    "erase": pgettext_lazy("timeline", "Personal data erased on request"),
    "retention_anonymise": pgettext_lazy("timeline", "Anonymised after the retention period"),
    "referral_create": pgettext_lazy("timeline", "Referral sent"),
    "referral_accept": pgettext_lazy("timeline", "Referral accepted"),
    "referral_decline": pgettext_lazy("timeline", "Referral declined"),
    "referral_start": pgettext_lazy("timeline", "Service started"),
    "referral_complete": pgettext_lazy("timeline", "Service delivered"),
    "referral_cancel": pgettext_lazy("timeline", "Referral cancelled"),
    "referral_expire": pgettext_lazy("timeline", "Referral expired"),
    "referral_escalate": pgettext_lazy("timeline", "Unanswered referral escalated"),
    "age_assessment": pgettext_lazy("timeline", "Age assessed"),
    "guardian_appoint": pgettext_lazy("timeline", "Guardian appointed"),
    "guardian_end": pgettext_lazy("timeline", "Guardianship ended"),
    "child_views": pgettext_lazy("timeline", "The child's views recorded"),
    "best_interests": pgettext_lazy("timeline", "Best-interests step recorded"),
    "child_protection_alert": pgettext_lazy("timeline", "Child protection services alerted"),
    "journey_event": pgettext_lazy("timeline", "Step of the journey recorded"),
    "journey_event_remove": pgettext_lazy("timeline", "Step of the journey removed"),
    "perpetrator": pgettext_lazy("timeline", "Perpetrator recorded"),
    "perpetrator_remove": pgettext_lazy("timeline", "Perpetrator removed"),
    "permit_record": pgettext_lazy("timeline", "Residence permit recorded"),
    "permit_decide": pgettext_lazy("timeline", "Residence permit decided"),
    "permit_expiry_alert": pgettext_lazy("timeline", "Alert: residence permit runs out soon"),
    "removal_record": pgettext_lazy("timeline", "Detention or removal order recorded"),
    "removal_resolve": pgettext_lazy("timeline", "Detention or removal order resolved"),
    "charge_record": pgettext_lazy("timeline", "Charge or fine recorded"),
    "non_punishment_request": pgettext_lazy("timeline", "Non-punishment requested"),
    "non_punishment_decide": pgettext_lazy("timeline", "Non-punishment request decided"),
    "plan_write": pgettext_lazy("timeline", "Assistance plan written"),
    "plan_action": pgettext_lazy("timeline", "Action of the assistance plan recorded"),
    "plan_agree": pgettext_lazy("timeline", "The person agreed to the assistance plan"),
    "plan_review": pgettext_lazy("timeline", "Assistance plan reviewed"),
    "service_decline": pgettext_lazy("timeline", "The person declined a service"),
    "service_decline_withdraw": pgettext_lazy("timeline", "The person asked for a service she had declined"),
    "high_risk_alert": pgettext_lazy("timeline", "Supervisors alerted to a high risk"),
    "safety_plan_write": pgettext_lazy("timeline", "Safety plan written"),
    "mediator_assign": pgettext_lazy("timeline", "Mediator or interpreter assigned"),
    "languages": pgettext_lazy("timeline", "Languages of the procedure recorded"),
}

# The services a needs assessment can name: HTCDS support-plan types, the Council of Europe Convention's
# assistance (Art. 12) and the crisis items of the two source documents. The provider directory offers the same codes.
SERVICE_TYPES = {
    "safe_accommodation": _("Safe accommodation"),
    "medical": _("Medical care"),
    "psychological": _("Psychological support"),
    "interpretation": _("Interpretation"),
    "cultural_mediation": _("Cultural mediation"),
    "legal_counselling": _("Legal counselling"),
    "legal_aid": _("Legal aid"),
    "education": _("Education"),
    "vocational_training": _("Vocational training"),
    "financial_assistance": _("Financial assistance"),
    "livelihood": _("Livelihood"),
    "social_care": _("Social care"),
    "repatriation": _("Repatriation"),
    "family_tracing": _("Family tracing"),
    "covid_test_vaccination": _("Tests and vaccination"),
    "protective_equipment": _("Protective equipment"),
    "quarantine_accommodation": _("Quarantine accommodation"),
    "emergency_cash": _("Emergency cash"),
    "food_package": _("Food package"),
    "device_and_internet": _("A device and internet access"),
    "remote_psychosocial": _("Remote psychosocial support"),
}

AGE_BANDS = ["0-8", "9-17", "18-20", "21-23", "24-26", "27-29", "30-38", "39-47", "48+"]  # CTDC ageBroad


def age_band(age: int | None) -> str:
    if age is None:
        return ""
    for band in AGE_BANDS[:-1]:
        low, high = (int(x) for x in band.split("-"))
        if low <= age <= high:
            return band
    return AGE_BANDS[-1]


# --- Children (Council of Europe Convention Art. 10(3) and 16(7); UNHCR/UNICEF best-interests guidelines) ------


class Separation(models.TextChoices):
    """Whether a child is with the adult who cares for them (UNHCR/UNICEF definitions)."""

    NOT_STATED = "", _("Not stated")
    ACCOMPANIED = "accompanied", _("With a parent or usual caregiver")
    SEPARATED = "separated", _("Separated from parents (with another adult)")
    UNACCOMPANIED = "unaccompanied", _("Unaccompanied (no adult caring for them)")


# The children who need a guardian: no parent or usual caregiver is with them.
NEEDS_GUARDIAN = frozenset({Separation.SEPARATED, Separation.UNACCOMPANIED})


class MinorityBasis(models.TextChoices):
    """Why a case counts as a child's or an adult's: what the page says beside the age."""

    UNKNOWN = "", _("Age unknown, nothing suggests a child")
    BIRTH_DATE = "birth_date", _("From the date of birth")
    ASSESSMENT = "assessment", _("From an age assessment")
    PRESUMED = "presumed", _("Presumed a child until an age assessment says otherwise")


class AgeMethod(models.TextChoices):
    DOCUMENTS = "documents", _("Identity or civil documents")
    INTERVIEW = "interview", _("Multidisciplinary interview")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial assessment")
    MEDICAL = "medical", _("Medical examination")


class AssessorRole(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Social worker")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    PAEDIATRICIAN = "paediatrician", _("Paediatrician")
    CHILD_PROTECTION_OFFICER = "child_protection_officer", _("Child protection officer")
    PANEL = "panel", _("Multidisciplinary panel")


class AgeResult(models.TextChoices):
    """An age assessment gives an age, or one of these bands."""

    UNDER_18 = "under_18", _("Under 18")
    ADULT = "adult", _("18 or older")


class ConsentGiver(models.TextChoices):
    PERSON = "person", pgettext_lazy("consent given by", "The person")  # not "the person's details" of the page
    GUARDIAN = "guardian", _("The guardian")
    PARENT = "parent", _("A parent")
    LEGAL_REPRESENTATIVE = "legal_representative", _("A legal representative")


class DurableSolution(models.TextChoices):
    RETURN = "return", _("Return to the country of origin")
    RELOCATION = "relocation", _("Relocation to a third country")
    LOCAL_INTEGRATION = "local_integration", _("Local integration")


class ViewsAbout(models.TextChoices):
    GUARDIAN = "guardian", _("The guardian")
    PLACEMENT = "placement", _("Where to live")
    DURABLE_SOLUTION = "durable_solution", _("Return, relocation or staying")
    OTHER = "other", _("Something else")


class DecisionStanding(models.TextChoices):
    """Where one kind of decision (reasonable or conclusive grounds) stands on a case, in words: a negative
    decision must never read like one still awaited."""

    PENDING = "pending", pgettext_lazy("decision", "Pending")
    POSITIVE = "positive", pgettext_lazy("decision", "Positive")
    NEGATIVE = "negative", pgettext_lazy("decision", "Negative")
    RECONSIDERED_POSITIVE = "reconsidered_positive", pgettext_lazy("decision", "Positive on reconsideration")
    RECONSIDERED_NEGATIVE = "reconsidered_negative", pgettext_lazy("decision", "Negative on reconsideration")
    # Conclusive grounds after negative reasonable grounds: never decided, and never to be awaited either.
    NOT_REACHED = "not_reached", pgettext_lazy("decision", "Does not apply (reasonable grounds negative)")


# A sign beside the word, so that the outcome is not told by colour alone (WCAG 1.4.1).
DECISION_STANDING_SIGNS = {
    DecisionStanding.PENDING: "…",
    DecisionStanding.POSITIVE: "✓",
    DecisionStanding.NEGATIVE: "✗",
    DecisionStanding.RECONSIDERED_POSITIVE: "✓",
    DecisionStanding.RECONSIDERED_NEGATIVE: "✗",
    DecisionStanding.NOT_REACHED: "—",
}


def decision_standing(outcome: str | None, reconsiders: bool, *, not_reached: bool = False) -> DecisionStanding:
    """The standing of the latest decision of a kind (`outcome` None: none yet; `not_reached`: none, and none will
    come, the decision before it being negative)."""
    if not outcome:
        return DecisionStanding.NOT_REACHED if not_reached else DecisionStanding.PENDING
    if reconsiders:
        return DecisionStanding(f"reconsidered_{outcome}")
    return DecisionStanding(outcome)


# --- The journey and the perpetrators (HTCDS hte_ and per_; what HTCDS lacks has Lantern's own codes) -----------


class EventType(models.TextChoices):  # hte_Type
    RECRUITMENT = "Recruitment", pgettext_lazy("journey", "Recruitment")
    TRANSIT = "Transit", pgettext_lazy("journey", "Transit")
    EXPLOITATION = "Exploitation", pgettext_lazy("journey", "Exploitation")


class Transport(models.TextChoices):  # lt_ (HTCDS has no field for it)
    AIR = "Air", _("By air")
    ROAD = "Road", _("By road (bus, car, lorry)")
    RAIL = "Rail", _("By train")
    SEA = "Sea", _("By sea or river")
    FOOT = "Foot", _("On foot")
    OTHER = "Other", pgettext_lazy("transport", "Other")
    UNKNOWN = "Unknown", pgettext_lazy("transport", "Not known")


class BorderCrossing(models.TextChoices):  # lt_ (HTCDS has no field for it)
    NONE = "None", _("No border crossed")
    REGULAR = "Regular", _("Crossed a border regularly")
    IRREGULAR = "Irregular", _("Crossed a border irregularly")


PERPETRATOR_ROLES = {  # per_RoleInProcess
    "TravellingPartner": _("Travelling partner"),
    "Transporter": _("Transporter"),
    "RecruiterOrIntermediary": _("Recruiter or intermediary"),
    "BrokerTravelAgent": _("Broker or travel agent"),
    "TransferredIndividual": _("Transferred the person"),
    "HarbouredIndividual": _("Harboured the person"),
    "SoldIndividual": _("Sold the person"),
    "BoughtIndividual": _("Bought the person"),
    "ReceivedIndividual": _("Received the person"),
    "ControlledIndividual": _("Controlled the person"),
    "Smuggler": _("Smuggler"),
    "Abuser": _("Abuser"),
    "Kidnapper": _("Kidnapper"),
    "Exploiter": _("Exploiter"),
    "Other": pgettext_lazy("perpetrator role", "Other"),
}


class PerpetratorRelationship(models.TextChoices):  # lt_ (vic_RelationshipToTrafficker has three codes only)
    FAMILY = "Family", pgettext_lazy("relationship to the victim", "Family member")
    PARTNER = "Partner", pgettext_lazy("relationship to the victim", "Partner or spouse")
    EMPLOYER = "Employer", pgettext_lazy("relationship to the victim", "Employer")
    ACQUAINTANCE = "Acquaintance", pgettext_lazy("relationship to the victim", "Acquaintance or friend")
    STRANGER = "Stranger", pgettext_lazy("relationship to the victim", "Stranger")
    OTHER = "Other", pgettext_lazy("relationship to the victim", "Other")


# The relationship of one perpetrator, in the three codes of vic_RelationshipToTrafficker (and CTDC's
# recruiterRelation*): a partner is family to CTDC, an employer an acquaintance. "Other" says nothing.
RELATIONSHIP_TO_HTCDS = {
    "Family": "Familial",
    "Partner": "Familial",
    "Employer": "Acquainted",
    "Acquaintance": "Acquainted",
    "Stranger": "Unaquainted",
}
