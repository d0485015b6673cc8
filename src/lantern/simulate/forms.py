"""The simulator's page forms: a few numbers that write the pandemic scenario's TOML (without and with the
contingency plan), or the TOML itself, checked by the same code as the command."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lantern.simulate.ready import BASELINE, ready_scenarios
from lantern.simulate.scenario import (
    MAX_TOML_BYTES,
    EmergencyFunding,
    QuarantineWing,
    RemoteDelivery,
    RemoteHearings,
    Scenario,
    ScenarioError,
    scenario_from_dict,
    scenario_from_toml,
    scenario_to_toml,
)

# The page runs a scenario in the request up to this many survivors times replications (about two seconds here);
# a larger one is queued for the worker, and its page shows the progress.
PAGE_MAX_WORK = 2_000_000


class BuildForm(forms.Form):
    """The pandemic wave's levers. Days count from the first day of the scenario."""

    per_day = forms.FloatField(label=_("New survivors identified per day"), min_value=0, max_value=500, initial=12.0)
    lockdown_start = forms.IntegerField(label=_("Lockdown starts on day"), min_value=0, max_value=700, initial=60)
    lockdown_days = forms.IntegerField(label=_("Lockdown lasts (days)"), min_value=0, max_value=700, initial=180)
    staff_absence = forms.IntegerField(
        label=_("Staff absent during the lockdown (%)"), min_value=0, max_value=95, initial=30
    )
    court_closure_days = forms.IntegerField(label=_("Courts closed (days)"), min_value=0, max_value=700, initial=90)
    border_closure_days = forms.IntegerField(label=_("Borders closed (days)"), min_value=0, max_value=700, initial=120)
    remote_keep = forms.IntegerField(
        label=_("Plan: capacity kept by remote delivery (%)"), min_value=0, max_value=100, initial=80
    )
    wing_beds = forms.IntegerField(
        label=_("Plan: beds in the quarantine wing"), min_value=0, max_value=5000, initial=60
    )
    remote_hearings = forms.IntegerField(
        label=_("Plan: court work kept by remote hearings (%)"), min_value=0, max_value=100, initial=60
    )
    extra_legal_aid = forms.IntegerField(
        label=_("Plan: emergency legal aid places"), min_value=0, max_value=5000, initial=40
    )

    def scenarios(self) -> tuple[Scenario, Scenario]:
        """The scenario without the plan and with it, or ValueError naming the field."""
        d = self.cleaned_data
        base = ready_scenarios()[BASELINE].model_dump()
        horizon = base["horizon_days"]
        start = d["lockdown_start"]

        def until(days: int) -> int:
            return min(start + days, horizon)

        base["arrivals"]["per_day"] = d["per_day"]
        # Identification falls during the lockdown and surges for three months after it, as in the ready scenario.
        after = until(d["lockdown_days"])
        base["arrivals"]["periods"] = (
            [{"start_day": after, "end_day": min(after + 90, horizon), "multiplier": 1.15}] if after < horizon else []
        )
        if d["lockdown_days"] and start < horizon:
            base["crisis"][0].update(start_day=start, end_day=after)
            base["staff_absence"] = (
                [{"start_day": start, "end_day": after, "absence": d["staff_absence"] / 100}]
                if d["staff_absence"]
                else []
            )
        else:
            base["crisis"], base["staff_absence"] = [], []
        for key, days in (
            ("court_suspensions", d["court_closure_days"]),
            ("border_closures", d["border_closure_days"]),
        ):
            base[key] = [{"start_day": start, "end_day": until(days)}] if days and start < horizon else []
        without = dict(base, name=str(_("Pandemic wave (your figures)")), label=str(_("no contingency plan")))
        policies: list[dict[str, Any]] = []
        if d["remote_keep"]:
            policies.append(RemoteDelivery(kind="remote_delivery", keep=d["remote_keep"] / 100).model_dump())
        if d["wing_beds"]:
            policies.append(QuarantineWing(kind="quarantine_wing", beds=d["wing_beds"]).model_dump())
        if d["remote_hearings"]:
            policies.append(RemoteHearings(kind="remote_hearings", keep=d["remote_hearings"] / 100).model_dump())
        if d["extra_legal_aid"]:
            policies.append(
                EmergencyFunding(
                    kind="emergency_funding", service="legal_aid", places=d["extra_legal_aid"], from_day=start
                ).model_dump()
            )
        with_plan = dict(
            base, name=str(_("Pandemic wave (your figures), with the plan")), label=str(_("the contingency plan")),
            policies=policies,
        )  # fmt: skip
        return scenario_from_dict(without), scenario_from_dict(with_plan)


class TomlForm(forms.Form):
    scenario = forms.CharField(
        label=_("Scenario A (TOML)"),
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "dir": "ltr"}),
        max_length=MAX_TOML_BYTES,
    )
    compare = forms.CharField(
        label=_("Scenario B (TOML), to compare"),
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "dir": "ltr"}),
        max_length=MAX_TOML_BYTES,
        required=False,
    )

    def clean_scenario(self) -> Scenario:
        return self._parsed("scenario")

    def clean_compare(self) -> Scenario | None:
        return self._parsed("compare") if self.data.get("compare", "").strip() else None

    def _parsed(self, field: str) -> Scenario:
        try:
            scenario = scenario_from_toml(self.data.get(field, ""))
        except ScenarioError as exc:
            raise forms.ValidationError(str(exc)) from None
        return scenario


def as_toml(scenario: Scenario) -> str:
    return scenario_to_toml(scenario)
