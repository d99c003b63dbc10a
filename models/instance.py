"""The instance: everything the commissioning model needs, as validated tables.

An instance is relational: a few scalar settings and a set of flat tables (one row per
locality, service, pathway stage, ...). The same tables are written as YAML lists, CSV files
or Excel sheets, so a spreadsheet and a YAML file hold exactly the same information.
Units are stated on each field. Money is in pounds; a planning year is 52 weeks.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator

from models.references import check_references
from models.scenarios import check_scenarios
from models.sourced import Amount, Factor, Growth, Share, Source, Weeks

Name = str


class Row(BaseModel):
    """A row of an instance table: strict, immutable. Field docstrings become descriptions,
    so a workbook's README sheet can explain each column."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


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
    """Minimise cost, or maximise one outcome indicator within the budget."""
    objective_indicator: Name | None = None
    """With ``max_outcome``: the indicator whose achieved count is maximised."""
    designs: list[Name] = []
    """Contract designs in force (at most one per service)."""
    commit_years: int = Field(default=1, ge=1)
    """With scenarios: the first planning years whose block capacity and recruitment are
    committed now, before it is known which future comes (the here-and-now plan)."""
    risk_weight: Amount | None = None
    """With scenarios: λ, the weight on the CVaR of cost added to the expected cost (empty or
    0: expected cost alone)."""
    risk_level: Share | None = None
    """With scenarios: α, the level of the CVaR: the average cost of the worst (1 - α) share
    of futures (0.8: the worst fifth). Needed with a risk weight."""


class Locality(Row):
    name: Name
    label: str = ""
    cost_factor: Factor
    """Multiplier on every price paid in this locality (rurality, market rates); 1 = average."""
    population: Amount | None = None
    """Population the rate targets are per 100,000 of (e.g. aged 65 and over)."""


class Cohort(Row):
    name: Name
    label: str = ""
    growth: Growth
    """Yearly growth of new need: demand in year t is base × (1 + growth)^(t-1)."""


class Demand(Row):
    locality: Name
    cohort: Name
    people: Amount
    """People of the cohort with a new need in the first planning year."""


class Service(Row):
    name: Name
    label: str = ""
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


class Leave(Row):
    cohort: Name
    service: Name
    share: Share
    """Share of the setting's caseload that leaves it in a year (death, recovery, moving on)."""


class Role(Row):
    name: Name
    label: str = ""
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
    """Most staff (FTE) that can be recruited in a year."""


class Indicator(Row):
    name: Name
    label: str = ""
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
    label: str = ""
    suitable: Share
    """Largest share of the cohort's new need for whom this pathway is appropriate."""


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


class PathwayOutcome(Row):
    pathway: Name
    indicator: Name
    share: Share
    """Share of the pathway's people achieving the indicator."""


class OutcomePrice(Row):
    service: Name
    indicator: Name
    price: Amount
    """Outcomes-based payment: £ per person on a pathway using the service who achieves the
    indicator."""
    design: Name | None = None
    """Empty for the base contract; otherwise the contract design this price belongs to."""


class Move(Row):
    cohort: Name
    from_service: Name
    to_service: Name
    suitable: Share
    """Largest share of the setting's caseload for whom the move is suitable each year."""
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
    years: list[str] = []
    """Years the target holds in, each on its own; empty for every year."""


class Budget(Row):
    year: str
    amount: Amount
    """£ the council can spend in the year (undiscounted)."""


class ContractDesign(Row):
    """A named way of buying a service: how it is paid and what it is evidenced to change."""

    name: Name
    service: Name
    label: str = ""
    payment: Literal["block", "spot", "outcomes", "mix"]
    price_capacity: Amount | None = None
    """Replaces the service's block price (empty: unchanged)."""
    price_use: Amount | None = None
    """Replaces the service's spot price (empty: unchanged)."""
    weeks_factor: Factor | None = None
    """Multiplies the weeks of every stage on the service (throughput)."""
    package_factor: Factor | None = None
    """Multiplies the packages people on pathways using the service go on to need."""
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


TABLES: tuple[str, ...] = (
    "localities", "cohorts", "demand", "services", "capacity0", "caseload0", "leave",
    "roles", "staffing", "workforce", "indicators", "pathways", "stages", "destinations",
    "pathway_outcomes", "outcome_prices", "moves", "targets", "budget", "contract_designs",
    "scenarios",
)
"""The instance's tables, in the order they are read, written and checked."""


class Instance(BaseModel):
    """A commissioning problem: an area's localities, needs, services, workforce and aims."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    name: Name
    description: str = ""
    years: list[str] = Field(min_length=1)
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
    scenarios: list[Scenario] = []
    """Possible futures for a two-stage plan (empty: one known future)."""

    @model_validator(mode="after")
    def _references_hold(self) -> Instance:
        check_references(self)
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
