"""A scenario: the TOML a coordinator writes by hand (or the page writes for her), checked key by key.

The minimum format (`horizon_days`, `replications`, `seed`, `[arrivals] per_day`, `[[services]]` with `type`,
`places`, `service_days`, `share`) means exactly what docs/simulate.md says, so a scenario written by hand runs
unchanged; everything else is optional and extends it. A bad scenario raises ScenarioError naming the key."""

from __future__ import annotations

import math
import tomllib
from datetime import date
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

# Limits that keep one run inside what a web request or a laptop can hold: two years of 1,000 survivors a day
# with 100 replications is already 73 million service visits.
MAX_HORIZON_DAYS = 3660
MAX_REPLICATIONS = 200
MAX_PER_DAY = 5000.0
MAX_PLACES = 100_000
MAX_TEXT = 200
MAX_TOML_BYTES = 200_000
# The factors of the arrival rate multiply (per_day x the month's seasonality x every period and crisis on that
# day), so each one's own limit bounds nothing: the combined rate of any day is capped here, and the work of a run
# is counted from the rates themselves (services.work_of).
MAX_ARRIVALS_PER_DAY = 100_000.0
# A scenario is at most four levels deep (crisis -> share_multipliers -> value); deeper TOML is refused before the
# parser or the validator recurse into it.
MAX_NESTING = 8

Day = Annotated[int, Field(ge=0, le=MAX_HORIZON_DAYS)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
Money = Annotated[float, Field(ge=0.0, le=1e9)]
Name = Annotated[str, Field(min_length=1, max_length=MAX_TEXT, pattern=r"^[a-z][a-z0-9_]*$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Window(Strict):
    start_day: Day
    end_day: Day

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.end_day <= self.start_day:
            raise ValueError("end_day must come after start_day")
        return self

    def covers(self, day: float) -> bool:
        return self.start_day <= day < self.end_day


class ArrivalPeriod(Window):
    multiplier: Annotated[float, Field(ge=0.0, le=100.0)]


class Arrivals(Strict):
    per_day: Annotated[float, Field(ge=0.0, le=MAX_PER_DAY)]
    # Twelve monthly multipliers, January first (the month of a day is counted from start_date).
    seasonality: list[Annotated[float, Field(ge=0.0, le=100.0)]] | None = Field(
        default=None, min_length=12, max_length=12
    )
    periods: list[ArrivalPeriod] = Field(default_factory=list, max_length=100)


class Service(Strict):
    type: Name
    places: Annotated[int, Field(ge=1, le=MAX_PLACES)]
    service_days: Annotated[float, Field(gt=0.0, le=3650.0)]
    share: Share
    distribution: Literal["exponential", "fixed", "lognormal"] = "exponential"
    cv: Annotated[float, Field(gt=0.0, le=10.0)] = 1.0  # coefficient of variation, lognormal only
    # The share of the capacity that goes on under a lockdown (delivered remotely or as an essential service).
    lockdown_capacity: Share = 0.5
    # In the minimum service package: the survivor must start it within this many days of identification.
    minimum_package_days: Annotated[int, Field(ge=0, le=3650)] | None = None
    cost_per_place_day: Money = 0.0
    cost_per_service: Money = 0.0


class Shelter(Strict):
    beds: Annotated[int, Field(ge=1, le=MAX_PLACES)]
    stay_days: Annotated[float, Field(gt=0.0, le=3650.0)]
    share: Share
    distribution: Literal["exponential", "fixed", "lognormal"] = "exponential"
    cv: Annotated[float, Field(gt=0.0, le=10.0)] = 1.0
    # Residents who go home across a border: a border closure keeps them in their bed until it reopens.
    repatriation_share: Share = 0.0
    # Under a quarantine protocol a new resident is isolated this long: in the quarantine wing if there is one,
    # otherwise in a regular bed (the stay lengthens by as much).
    quarantine_days: Annotated[float, Field(ge=0.0, le=60.0)] = 14.0
    cost_per_bed_day: Money = 0.0


class Courts(Strict):
    # Proceedings heard in parallel, and how long one lasts from its first hearing to judgment.
    places: Annotated[int, Field(ge=1, le=MAX_PLACES)]
    proceeding_days: Annotated[float, Field(gt=0.0, le=3650.0)]
    share: Share
    distribution: Literal["exponential", "fixed", "lognormal"] = "exponential"
    cv: Annotated[float, Field(gt=0.0, le=10.0)] = 1.0
    cost_per_place_day: Money = 0.0


class Crisis(Window):
    name: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)] = "crisis"
    arrival_multiplier: Annotated[float, Field(ge=0.0, le=100.0)] = 1.0
    # Needs mix: the share of new survivors who need a service, multiplied (capped at 1) while the crisis lasts.
    share_multipliers: dict[Name, Annotated[float, Field(ge=0.0, le=100.0)]] = Field(default_factory=dict)
    lockdown: bool = False
    quarantine: bool = False


class StaffAbsence(Window):
    absence: Annotated[float, Field(ge=0.0, lt=1.0)]
    # Empty: every service and the courts.
    services: list[Name] = Field(default_factory=list, max_length=100)


class RemoteDelivery(Strict):
    kind: Literal["remote_delivery"]
    keep: Share  # share of capacity kept under a lockdown
    services: list[Name] = Field(default_factory=list, max_length=100)
    cost_per_day: Money = 0.0


class QuarantineWing(Strict):
    kind: Literal["quarantine_wing"]
    beds: Annotated[int, Field(ge=1, le=MAX_PLACES)]
    cost_per_bed_day: Money = 0.0


class RemoteHearings(Strict):
    kind: Literal["remote_hearings"]
    keep: Share  # share of the courts' capacity kept while they are suspended
    cost_per_day: Money = 0.0


class EmergencyFunding(Strict):
    kind: Literal["emergency_funding"]
    service: Name  # a service type, or "shelter" or "courts"
    places: Annotated[int, Field(ge=1, le=MAX_PLACES)]
    from_day: Day
    until_day: Day | None = None

    @model_validator(mode="after")
    def _ordered(self) -> EmergencyFunding:
        if self.until_day is not None and self.until_day <= self.from_day:
            raise ValueError("until_day must come after from_day")
        return self


Policy = Annotated[RemoteDelivery | QuarantineWing | RemoteHearings | EmergencyFunding, Field(discriminator="kind")]


class Scenario(Strict):
    name: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)] = "scenario"
    # What the scenario changes, in a few words, for the sentence that compares it ("the contingency plan").
    label: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)] | None = None
    horizon_days: Annotated[int, Field(ge=1, le=MAX_HORIZON_DAYS)]
    replications: Annotated[int, Field(ge=2, le=MAX_REPLICATIONS)]
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)]
    start_date: str = "2027-01-01"  # the calendar day of day 0, for charts and the seasonality's months
    arrivals: Arrivals
    services: list[Service] = Field(min_length=1, max_length=50)
    shelter: Shelter | None = None
    courts: Courts | None = None
    crisis: list[Crisis] = Field(default_factory=list, max_length=50)
    staff_absence: list[StaffAbsence] = Field(default_factory=list, max_length=100)
    court_suspensions: list[Window] = Field(default_factory=list, max_length=50)
    border_closures: list[Window] = Field(default_factory=list, max_length=50)
    policies: list[Policy] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        from datetime import date

        try:
            date.fromisoformat(self.start_date)
        except ValueError:
            raise ValueError("start_date must be a date (YYYY-MM-DD)") from None
        types = [s.type for s in self.services]
        if len(set(types)) != len(types):
            raise ValueError("each service type appears once")
        known = set(types)
        for policy in self.policies:
            if isinstance(policy, EmergencyFunding) and policy.service not in known | {"shelter", "courts"}:
                raise ValueError(f"policy for unknown service {policy.service!r}")
            if isinstance(policy, RemoteDelivery) and not set(policy.services) <= known:
                raise ValueError("remote_delivery names an unknown service")
            if isinstance(policy, QuarantineWing) and self.shelter is None:
                raise ValueError("a quarantine wing needs a [shelter]")
        for absence in self.staff_absence:
            if not set(absence.services) <= known | {"courts"}:
                raise ValueError("staff_absence names an unknown service")
        return self


class ScenarioError(ValueError):
    """A scenario that cannot run; `key` names what is wrong (e.g. `services[0].places`)."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}" if key else message)
        self.key = key
        self.message = message


def _key(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in {"remote_delivery", "quarantine_wing", "remote_hearings", "emergency_funding"}:
            continue  # the discriminator's branch, not a key of the file
        else:
            out += f".{part}" if out else str(part)
    return out


def daily_arrival_rates(scenario: Scenario) -> np.ndarray:
    """The expected arrivals of each day: per_day times every factor that applies on it."""
    days = np.arange(scenario.horizon_days)
    rate = np.full(scenario.horizon_days, scenario.arrivals.per_day)
    if scenario.arrivals.seasonality:
        first = date.fromisoformat(scenario.start_date).toordinal()
        months = np.array([date.fromordinal(first + int(d)).month - 1 for d in days])
        rate *= np.asarray(scenario.arrivals.seasonality)[months]
    with np.errstate(over="ignore", invalid="ignore"):
        for period in scenario.arrivals.periods:
            rate[(days >= period.start_day) & (days < period.end_day)] *= period.multiplier
        for crisis in scenario.crisis:
            rate[(days >= crisis.start_day) & (days < crisis.end_day)] *= crisis.arrival_multiplier
    return rate


def _check_arrival_rate(scenario: Scenario) -> None:
    rates = daily_arrival_rates(scenario)
    bad = np.flatnonzero(~(rates <= MAX_ARRIVALS_PER_DAY))  # not "> max": an overflow to inf x 0 is NaN
    if bad.size:
        day = int(bad[0])
        raise ScenarioError(
            "arrivals",
            f"on day {day} per_day times seasonality, periods and crisis multipliers comes to "
            f"{float(rates[day]):.3g} survivors a day; at most {MAX_ARRIVALS_PER_DAY:,.0f}",
        )


def scenario_from_dict(data: dict[str, Any]) -> Scenario:
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "unknown key"
        elif first["type"] == "missing":
            message = "missing"
        raise ScenarioError(_key(tuple(first["loc"])), message) from None
    _check_arrival_rate(scenario)
    return scenario


def _too_deep(data: Any) -> bool:
    """Whether the parsed TOML nests deeper than MAX_NESTING (walked without recursion)."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_NESTING:
            return True
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return False


def scenario_from_toml(text: str) -> Scenario:
    if len(text.encode()) > MAX_TOML_BYTES:
        raise ScenarioError("", f"the scenario is longer than {MAX_TOML_BYTES // 1000} kB")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError("", f"not TOML ({exc})") from None
    except RecursionError:
        # The parser recurses once per nested array or inline table; a few hundred levels fit in 200 kB.
        raise ScenarioError("", f"nested more than {MAX_NESTING} levels deep") from None
    if _too_deep(data):
        raise ScenarioError("", f"nested more than {MAX_NESTING} levels deep")
    return scenario_from_dict(data)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("not a finite number")
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        escaped = "".join(ch if ch >= " " or ch == "\t" else f"\\u{ord(ch):04x}" for ch in escaped)
        return f'"{escaped}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(type(value).__name__)


def scenario_to_toml(scenario: Scenario) -> str:
    """The TOML of a scenario, reading back to the same scenario (the page writes scenarios with it)."""
    data = scenario.model_dump(exclude_defaults=True)
    for key in ("horizon_days", "replications", "seed"):
        data.setdefault(key, getattr(scenario, key))
    lines: list[str] = []
    tables: list[tuple[str, Any]] = []
    for key, value in data.items():
        is_table = isinstance(value, dict) and key in {"arrivals", "shelter", "courts"}
        if is_table or (isinstance(value, list) and value and isinstance(value[0], dict)):
            tables.append((key, value))
        else:
            lines.append(f"{key} = {_toml_value(value)}")
    for key, value in tables:
        items = value if isinstance(value, list) else [value]
        for item in items:
            lines.append("")
            lines.append(f"[[{key}]]" if isinstance(value, list) else f"[{key}]")
            sub_tables = []
            for k, v in item.items():
                if isinstance(v, list) and v and isinstance(v[0], dict):
                    sub_tables.append((k, v))
                else:
                    lines.append(f"{k} = {_toml_value(v)}")
            for k, v in sub_tables:
                for entry in v:
                    lines.append("")
                    lines.append(f"[[{key}.{k}]]")
                    lines.extend(f"{kk} = {_toml_value(vv)}" for kk, vv in entry.items())
    return "\n".join(lines) + "\n"
