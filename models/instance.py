"""The instance: everything the commissioning model needs, as validated tables.

An instance is relational: a few scalar settings and a set of flat tables (one row per
locality, service, pathway stage, ...). The same tables are written as YAML lists, CSV files
or Excel sheets, so a spreadsheet and a YAML file hold exactly the same information.
Units are stated on each field. Money is in pounds; a planning year is 52 weeks (364
days, :mod:`models.units`).
"""

from __future__ import annotations

import re
from typing import Any, Literal, Protocol

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from models.names import SafeText
from models.references import check_references
from models.row import Row
from models.scenarios import check_scenarios
from models.sourced import Amount, Factor, Growth, Share, Source, Weeks
from models.variability import VARIABILITY_TABLES, ArrivalMonth, ShortTermVariability

Name = SafeText
"""A name: safe in every output (:mod:`models.names`)."""
_ONS_CODE = re.compile(r"[EWSNK]\d{8}")


class Named(Protocol):
    """A row of a table whose rows are named things: localities, cohorts, services, roles,
    indicators, pathways and contract designs."""

    @property
    def name(self) -> Name: ...

    @property
    def label(self) -> str: ...


class Settings(Row):
    """Instance-wide settings."""

    discount_rate: Share
    """Yearly discount rate applied to costs (0.035 is the Green Book's 3.5%)."""
    unmet_penalty: Amount
    """£ charged in the objective per person whose new need is not met in a year."""
    objective: Literal["min_cost", "max_outcome"] = "min_cost"
    """Minimise cost, or maximise one outcome indicator within the budget after meeting as
    much need as the budget allows."""
    objective_indicator: Name | None = None
    """With ``max_outcome``: the indicator whose achieved count is maximised."""
    designs: list[Name] = []
    """Contract designs in force (at most one per service)."""
    headroom: bool = True
    """Keep headroom above the average load of short-term services to meet their waiting
    standards and delay prices (MODEL.md 13); false plans them on the average, to compare."""
    commit_years: int = Field(default=1, ge=1)
    """With scenarios: the first planning years whose block capacity and recruitment are
    committed now, before it is known which future comes (the here-and-now plan)."""
    risk_weight: Amount | None = None
    """With scenarios: λ, the weight on the CVaR of cost added to the expected cost (empty or
    0: expected cost alone)."""
    risk_level: Share | None = None
    """With scenarios: α, the level of the CVaR: the average cost of the worst (1 - α) share
    of futures (0.8: the worst fifth). Needed with a risk weight."""
    meet_eligible_need: list[Name] = []
    """Cohorts whose eligible new need must be met in full every year (the Care Act duty):
    their unmet need is held at 0 rather than charged a penalty, so a plan that cannot meet
    it is infeasible and diagnosed. ``all`` (or ``true`` in YAML) names every cohort."""
    end_of_horizon: bool = False
    """Count in the objective the cost of the caseload left at the end of the last year until
    it leaves (a steady-state tail, reported apart from spend). Off unless switched on."""
    price_year: str | None = None
    """The year the instance's prices are in, e.g. '2019/20'; empty when they are already in
    the first planning year's prices."""
    price_inflation: Growth | None = None
    """Yearly care-cost inflation that brings prices from ``price_year`` to the first planning
    year (0.03 = 3% a year); needed with ``price_year``."""

    @field_validator("meet_eligible_need", mode="before")
    @classmethod
    def _all_or_none(cls, value: object) -> object:
        """``true`` names every cohort, ``false`` none."""
        if isinstance(value, bool):
            return ["all"] if value else []
        return value


class Locality(Row):
    name: Name
    label: SafeText = ""
    cost_factor: Factor
    """Multiplier on every price paid in this locality (rurality, market rates); 1 = average."""
    population: Amount | None = None
    """Population the rate targets are per 100,000 of (e.g. aged 65 and over)."""
    code: str | None = None
    """ONS area code (GSS), e.g. E07000133 for Melton; carried into the output tables so they
    join ONS data and map in Power BI. Empty for a locality that is not an ONS area."""

    @field_validator("code")
    @classmethod
    def _an_ons_code(cls, code: str | None) -> str | None:
        if code is not None and not _ONS_CODE.fullmatch(code):
            raise ValueError(f"found {code!r}; expected an ONS area code: a letter (E, W, S, "
                             "N or K) and eight digits, e.g. E07000133")
        return code


class Cohort(Row):
    name: Name
    label: SafeText = ""
    growth: Growth
    """Yearly growth of new need: demand in year t is base × (1 + growth)^(t-1)."""
    unmet_penalty: Amount | None = None
    """£ per person of this cohort whose new need is not met in a year; empty for the
    settings' ``unmet_penalty``."""


class Band(Row):
    """A level of need within a cohort (low, moderate, high). A cohort with no bands is one
    band; a cohort with bands has its new need, caseload and pathways split across them."""

    cohort: Name
    name: Name
    label: str = ""
    share: Share
    """Share of the cohort's people in this band, splitting demand and today's caseload rows
    that name no band."""
    unmet_penalty: Amount | None = None
    """£ per person of this band whose new need is not met in a year; empty for the cohort's."""


class Demand(Row):
    locality: Name
    cohort: Name
    people: Amount
    """People of the cohort with a new need in the first planning year."""
    band: Name | None = None
    """The need band these people are in; empty to split them by the bands' shares."""


class Service(Row):
    name: Name
    label: SafeText = ""
    kind: Literal["short_term", "long_term"]
    """Short-term services are flows (an episode of weeks); long-term ones hold a caseload."""
    unit: str
    """The capacity unit, e.g. 'place', 'bed', 'hour per week'."""
    occupancy: Share
    """Share of commissioned capacity that can actually be used."""
    price_capacity: Amount
    """Block payment: £ per unit of capacity commissioned for a year."""
    price_use: Amount
    """Spot payment: £ per unit of capacity used for a year."""
    grow_max: Amount
    """Largest yearly growth of capacity, as a share of last year's (0.2 = +20%)."""
    shrink_max: Share
    """Largest yearly reduction of capacity, as a share of last year's."""
    startup: Amount
    """Capacity units that can be added in a year on top of growth (to start a service)."""
    package: Amount | None = None
    """Long-term only: fixed capacity units per person (1 bed, 1 place). Leave empty where
    package sizes vary by pathway (hours of home care)."""
    price_spot: Amount | None = None
    """£ per unit of capacity bought at short notice for a year, beyond the block capacity
    commissioned (above the block price). Empty: no spot purchase."""


class Capacity0(Row):
    locality: Name
    service: Name
    units: Amount
    """Capacity commissioned today, in the service's unit."""


class Caseload0(Row):
    locality: Name
    cohort: Name
    service: Name
    people: Amount
    """People of the cohort supported in this long-term setting today."""
    package: Amount | None = None
    """Their average package, in capacity units per person (needed where the service has no
    fixed package)."""
    band: Name | None = None
    """The need band these people are in; empty to split them by the bands' shares."""


class Leave(Row):
    cohort: Name
    service: Name
    share: Share
    """Share of the setting's caseload that leaves it in a year (death, recovery, moving on)."""
    band: Name | None = None
    """The need band the share applies to; empty for every band of the cohort."""


class Deterioration(Row):
    """People whose needs grow: a share of a long-term caseload moving each year to a more
    intensive setting (home care to a residential bed, residential to nursing)."""

    cohort: Name
    from_service: Name
    to_service: Name
    rate: Share
    """Share of the setting's caseload at the start of a year that moves on during it."""
    package: Amount | None = None
    """Their package in the new setting, capacity units per person (empty for a fixed one)."""
    band: Name | None = None
    """The need band the rate applies to; empty for every band of the cohort."""


class Role(Row):
    name: Name
    label: SafeText = ""
    turnover: Share
    """Share of staff in post who leave in a year."""
    hire_cost: Amount
    """£ to recruit and train one member of staff."""
    agency_premium: Amount | None = None
    """£ a year an agency worker (FTE) costs over an employed one. Empty: no agency staff."""


class Staffing(Row):
    service: Name
    role: Name
    fte_per_unit: Amount
    """Full-time-equivalent staff of the role needed per unit of the service's capacity."""


class Workforce(Row):
    locality: Name
    role: Name
    staff0: Amount
    """Staff in post today (FTE)."""
    hire_max: Amount
    """Most staff (FTE) that can be recruited in a year (unless ``hire_limits`` says otherwise
    for a year)."""


class HireLimit(Row):
    """A recruitment limit for particular years, replacing the workforce row's ``hire_max``."""

    locality: Name
    role: Name
    hire_max: Amount
    """Most staff (FTE) that can be recruited in the year."""
    year: str | None = None
    """The planning year it applies in; empty for every year."""


class Indicator(Row):
    name: Name
    label: SafeText = ""
    derived: Literal["none", "independent", "enters"] = "none"
    """How each pathway's share achieving it is known: typed in ``pathway_outcomes`` (none);
    the share entering no long-term setting (independent); the share entering one of
    ``services`` (enters)."""
    services: list[Name] = []
    """With ``derived: enters``: the long-term settings that count."""
    better: Literal["higher", "lower"] = "higher"
    """Whether a higher share is better (independence) or worse (permanent admissions)."""


class Pathway(Row):
    name: Name
    cohort: Name
    label: SafeText = ""
    suitable: Share
    """Largest share of the cohort's new need for whom this pathway is appropriate (of each
    band's need, in a cohort with bands)."""
    today_share: Share | None = None
    """Share of the cohort's new need routed this way today (today's practice), when known:
    the instance's capacity, caseload and staff today should be what these shares need."""
    band: Name | None = None
    """The need band the pathway is open to; empty for every band of the cohort."""


class BandSuitability(Row):
    """A pathway's suitability limit for one need band, where it differs from the pathway's
    ``suitable`` (reablement appropriate for more people with moderate need than high)."""

    pathway: Name
    band: Name
    suitable: Share
    """Largest share of the band's new need for whom the pathway is appropriate."""


class Stage(Row):
    pathway: Name
    service: Name
    share: Share
    """Share of the pathway's people who reach this short-term stage."""
    weeks: Weeks
    """Length of the stage per person, in weeks."""
    intensity: Amount
    """Capacity units used per person-week (hours of reablement, one bed)."""


class Destination(Row):
    pathway: Name
    service: Name
    share: Share
    """Share of the pathway's people who end in this long-term setting."""
    package: Amount | None = None
    """Their package in capacity units per person (hours a week); empty for a fixed package."""
    band: Name | None = None
    """The need band this row is for (a pathway's effect differs by band); empty for every
    band without rows of its own."""


class PathwayOutcome(Row):
    pathway: Name
    indicator: Name
    share: Share
    """Share of the pathway's people achieving the indicator."""


class OutcomePrice(Row):
    service: Name
    indicator: Name
    price: Amount
    """Outcomes-based payment: £ per person on a pathway using the service (a short-term
    one: reablement, intermediate care) who achieves the indicator."""
    design: Name | None = None
    """Empty for the base contract; otherwise the contract design this price belongs to."""


class Move(Row):
    cohort: Name
    from_service: Name
    to_service: Name
    suitable: Share
    """Largest share of the setting's caseload for whom the move is suitable each year."""
    today_share: Share | None = None
    """Share of the setting's caseload moved each year today (today's practice), when known."""
    max_per_year: Amount | None = None
    """Most people per locality who can be supported to move in a year."""
    package: Amount | None = None
    """Package in the new setting, capacity units per person (empty for a fixed package)."""


class Target(Row):
    name: Name
    indicator: Name
    sense: Literal["at_least", "at_most"]
    level: Amount
    """A share (0-1) of the new need, or a rate per 100,000 population; never negative."""
    basis: Literal["demand", "population"] = "demand"
    cohorts: list[Name] = []
    """Cohorts covered; empty for every cohort."""
    localities: list[Name] = []
    """Localities covered; empty for all."""
    scope: Literal["area", "each_locality"] = "area"
    """One target over the localities together, or one for each of them."""
    years: list[Name] = []
    """Years the target holds in, each on its own; empty for every year."""


class Budget(Row):
    year: Name
    amount: Amount
    """£ the council can spend in the year (undiscounted)."""


class ContractDesign(Row):
    """A named way of buying a service: how it is paid and what it is evidenced to change."""

    name: Name
    service: Name
    label: SafeText = ""
    payment: Literal["block", "spot", "outcomes", "mix"]
    price_capacity: Amount | None = None
    """Replaces the service's block price (empty: unchanged)."""
    price_use: Amount | None = None
    """Replaces the service's spot price (empty: unchanged)."""
    weeks_factor: Factor | None = None
    """Multiplies the weeks of every stage on the service (throughput)."""
    package_factor: Factor | None = None
    """Multiplies the packages people on pathways using the service go on to need, where the
    package varies (hours of home care); a fixed package (one bed, one place) is unchanged."""
    independence_factor: Factor | None = None
    """Multiplies the share of people on pathways using the service who leave independent."""
    suitable_factor: Factor | None = None
    """Multiplies the suitability limit of pathways using the service (volume)."""


class Scenario(Row):
    """One possible future: how likely it is, and how it differs from the instance."""

    name: Name
    label: str = ""
    probability: Share
    """How likely this future is; the probabilities of all scenarios add up to 1."""
    source: Source | None = None
    """A stated assumption (or document line) covering every numeric change without its own
    source."""
    changes: list[dict[str, Any]] = []
    """Changes to the instance in this future, written as an appraisal option's changes:
    ``{table: cohorts, where: {name: older_hospital}, field: growth, value: 0.035}``."""


def _plain(value: object) -> object:
    """A field value as plain data, ready to validate: models dumped, in lists too."""
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


CHECKED = "checked"
"""The validation context's key for an instance that passed every check and shares rows with
the one being validated (``Instance.model_validate(data, context={CHECKED: base})``): the
checks of one table alone skip the shared tables (:func:`models.references.same_tables`)."""

TABLES: tuple[str, ...] = (
    "localities", "cohorts", "demand", "services", "capacity0", "caseload0", "leave",
    "roles", "staffing", "workforce", "indicators", "pathways", "stages", "destinations",
    "pathway_outcomes", "outcome_prices", "moves", "targets", "budget", "contract_designs",
    "scenarios",
    "bands", "band_suitability", "deterioration", "hire_limits",
) + VARIABILITY_TABLES
"""The instance's tables, in the order they are read, written and checked."""


class Instance(BaseModel):
    """A commissioning problem: an area's localities, needs, services, workforce and aims."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    name: Name
    description: str = ""
    years: list[Name] = Field(min_length=1)
    """Planning years in order, e.g. ['2026/27', '2027/28']."""
    settings: Settings
    localities: list[Locality] = Field(min_length=1)
    cohorts: list[Cohort] = Field(min_length=1)
    demand: list[Demand] = Field(min_length=1)
    services: list[Service] = Field(min_length=1)
    capacity0: list[Capacity0] = []
    caseload0: list[Caseload0] = []
    leave: list[Leave] = []
    roles: list[Role] = []
    staffing: list[Staffing] = []
    workforce: list[Workforce] = []
    indicators: list[Indicator] = []
    pathways: list[Pathway] = Field(min_length=1)
    stages: list[Stage] = []
    destinations: list[Destination] = []
    pathway_outcomes: list[PathwayOutcome] = []
    outcome_prices: list[OutcomePrice] = []
    moves: list[Move] = []
    targets: list[Target] = []
    budget: list[Budget] = []
    contract_designs: list[ContractDesign] = []
    short_term_variability: list[ShortTermVariability] = []
    arrival_profile: list[ArrivalMonth] = []
    scenarios: list[Scenario] = []
    """Possible futures for a two-stage plan (empty: one known future)."""
    bands: list[Band] = []
    band_suitability: list[BandSuitability] = []
    deterioration: list[Deterioration] = []
    hire_limits: list[HireLimit] = []

    @model_validator(mode="after")
    def _references_hold(self, info: ValidationInfo) -> Instance:
        check_references(self, (info.context or {}).get(CHECKED))
        check_scenarios(self)
        return self

    def table(self, name: str) -> list[Row]:
        """One of the instance's tables by name."""
        return getattr(self, name)

    def named(self, name: str) -> list[Named]:
        """One of the instance's tables of named things (``localities``, ``services``, ...)
        by name: the same rows as :meth:`table`, typed as having a name and a label."""
        return getattr(self, name)

    def updated(self, **changes: object) -> Instance:
        """A re-validated copy with some top-level fields replaced (a scenario)."""
        data = self.model_dump()
        data.update({key: _plain(value) for key, value in changes.items()})
        return Instance.model_validate(data)
