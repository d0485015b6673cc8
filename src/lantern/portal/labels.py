"""The words the public pages use for the directory's codes, in the portal's own catalogue (the staff UI's labels
exist only in the staff languages): what each service is and does, whether it is open, how it is delivered, and
the measures in force."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# service type -> (name, what it does)
SERVICES: dict[str, tuple[Promise, Promise]] = {
    "safe_accommodation": (_("Safe accommodation"), _("A safe place to stay, away from the people who exploit you.")),
    "medical": (pgettext_lazy("portal", "Medical care"), _("Doctors and nurses who treat you, in confidence.")),
    "psychological": (
        pgettext_lazy("portal", "Psychological support"),
        _("Someone to talk to about what happened, in confidence."),
    ),
    "interpretation": (
        pgettext_lazy("portal", "Interpretation"),
        _("An interpreter, so that you can speak in your own language."),
    ),
    "cultural_mediation": (
        pgettext_lazy("portal", "Cultural mediation"),
        _("A mediator who knows your culture and helps you be understood."),
    ),
    "legal_counselling": (
        pgettext_lazy("portal", "Legal counselling"),
        _("Advice on your rights, your residence and your options."),
    ),
    "legal_aid": (pgettext_lazy("portal", "Legal aid"), _("A lawyer who represents you, free of charge.")),
    "education": (pgettext_lazy("portal", "Education"), _("School and language classes.")),
    "vocational_training": (pgettext_lazy("portal", "Vocational training"), _("Training for a job.")),
    "financial_assistance": (pgettext_lazy("portal", "Financial assistance"), _("Money to cover basic needs.")),
    "livelihood": (_("Livelihood"), _("Help to find work and earn a living.")),
    "social_care": (
        pgettext_lazy("portal", "Social care"),
        _("A support worker who helps with daily needs and papers."),
    ),
    "repatriation": (pgettext_lazy("portal", "Repatriation"), _("Help to return home safely, if you want to.")),
    "family_tracing": (pgettext_lazy("portal", "Family tracing"), _("Help to find and contact your family.")),
    "covid_test_vaccination": (pgettext_lazy("portal", "Tests and vaccination"), _("Free tests and vaccination.")),
    "protective_equipment": (pgettext_lazy("portal", "Protective equipment"), _("Masks, gloves and hygiene products.")),
    "quarantine_accommodation": (
        pgettext_lazy("portal", "Quarantine accommodation"),
        _("A safe place to stay in quarantine."),
    ),
    "emergency_cash": (pgettext_lazy("portal", "Emergency cash"), _("Money straight away for urgent needs.")),
    "food_package": (pgettext_lazy("portal", "Food package"), _("Food and other essentials.")),
    "device_and_internet": (_("A device and internet access"), _("A phone or tablet and internet, to reach help.")),
    "remote_psychosocial": (pgettext_lazy("portal", "Remote psychosocial support"), _("Support by phone or online.")),
}

STATUSES: dict[str, Promise] = {
    "open": _("Open now"),
    "reduced": _("Open, with reduced service"),
    "remote_only": _("Open by phone or online only"),
    "suspended": _("Closed for now"),
}

MODES: dict[str, Promise] = {
    "in_person": pgettext_lazy("portal", "In person"),
    "remote": _("By phone or online"),
    "outreach": _("Comes to you"),
}

MEASURES: dict[str, Promise] = {
    "lockdown": pgettext_lazy("portal", "Lockdown"),
    "curfew": _("Curfew"),
    "movement_restriction": pgettext_lazy("portal", "Movement restriction"),
    "border_closure": pgettext_lazy("portal", "Border closure"),
    "court_suspension": _("Courts suspended"),
    "school_closure": _("Schools closed"),
    "business_closure": _("Businesses closed"),
    "shelter_intake_freeze": _("Shelters not taking new people"),
}


def service_name(code: str) -> str:
    return str(SERVICES[code][0]) if code in SERVICES else code


def service_description(code: str) -> str:
    return str(SERVICES[code][1]) if code in SERVICES else ""


# Kinds of help that stand in, at least in part, for one another: when a search finds none of one kind, the
# portal suggests these first (both directions are listed where they hold both ways).
RELATED: dict[str, tuple[str, ...]] = {
    "safe_accommodation": ("quarantine_accommodation", "social_care"),
    "quarantine_accommodation": ("safe_accommodation",),
    "medical": ("covid_test_vaccination", "psychological"),
    "covid_test_vaccination": ("medical",),
    "psychological": ("remote_psychosocial", "medical"),
    "remote_psychosocial": ("psychological",),
    "interpretation": ("cultural_mediation",),
    "cultural_mediation": ("interpretation",),
    "legal_counselling": ("legal_aid",),
    "legal_aid": ("legal_counselling",),
    "financial_assistance": ("emergency_cash", "food_package"),
    "emergency_cash": ("financial_assistance", "food_package"),
    "food_package": ("emergency_cash", "financial_assistance"),
    "livelihood": ("vocational_training", "education"),
    "vocational_training": ("livelihood", "education"),
    "education": ("vocational_training",),
    "social_care": ("safe_accommodation",),
    "repatriation": ("family_tracing", "legal_counselling"),
    "family_tracing": ("repatriation",),
    "protective_equipment": ("medical",),
    "device_and_internet": ("remote_psychosocial",),
}
