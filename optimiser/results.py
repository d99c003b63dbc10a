"""Results as tidy pandas tables with names a commissioner recognises.

Each table is a function of the solved model, read through :class:`~optimiser.lp.Values`:
every variable, named expression, dual and row activity as an array in its component's index
order, so a table of a national plan is a few array operations rather than a Pyomo evaluation
per cell. Shadow prices are reported in words ("£ per extra reablement place in Melton,
2027/28"), not as raw duals."""

from __future__ import annotations

from collections import defaultdict
from itertools import groupby
from typing import NamedTuple

import numpy as np
import pandas as pd
from pyomo.common.gc_manager import PauseGC
from pyomo.core.base.component_namer import name_repr

from models.second_wave import years_of_inflation
from optimiser.constraints.outcomes import people_required
from optimiser.families import FAMILIES
from optimiser.headroom import short_term_tables
from optimiser.lp import LinearProgram, Values, parameter_values
from optimiser.phase_in import phase_in
from optimiser.prepare import Prepared, TargetRow
from optimiser.words import label

_TOLERANCE = 1e-6


def _memo(lp: LinearProgram, key, make):
    """A part of the tables that does not depend on the solution, made once per model (and
    kept for its re-solves)."""
    found = lp.memo.get(key)
    if found is None:
        found = lp.memo[key] = make()
    return found


_INDEX_COLUMNS = {
    "capacity": ["locality", "service", "year"],
    "routed": ["locality", "pathway", "year"],
    "caseload": ["locality", "cohort", "service", "year"],
    "move": ["locality", "move", "year"],
    "unmet": ["locality", "cohort", "year"],
    "staff": ["locality", "role", "year"],
}
"""The variables whose index the tables spread into columns, and the columns' names."""


def _index_frame(lp: LinearProgram, component) -> pd.DataFrame:
    """A component's index as columns, made once."""
    def make() -> pd.DataFrame:
        keys, names = lp.keys(component), _INDEX_COLUMNS[component.local_name]
        return pd.DataFrame(keys, columns=names) if keys else pd.DataFrame(columns=names)
    return _memo(lp, ("index", component.name), make)


def _frame(v: Values, component, **columns) -> pd.DataFrame:
    """A table whose first columns spread a variable's index, then the given columns."""
    frame = _index_frame(v.lp, component).copy()
    for name, values in columns.items():
        frame[name] = values
    return frame


def _capacity_words(m, lp: LinearProgram) -> tuple[list, list]:
    d = m.data
    keys = lp.keys(m.capacity)
    return _memo(lp, "capacity", lambda: (
        [d.units[s] for _, s, _ in keys],
        [d.capacity0.get((loc, s), 0.0) for loc, s, _ in keys]))


def _spot_beside_capacity(m, v: Values) -> np.ndarray:
    """Units bought at short notice (spot) in each capacity row's locality, service and year;
    0 for a service with no spot price."""
    bought = dict(zip(v.lp.keys(m.spot), v.of(m.spot).tolist(), strict=True))
    return np.array([bought.get(key, 0.0) for key in v.lp.keys(m.capacity)])


def capacity_plan(m, v: Values) -> pd.DataFrame:
    """Capacity commissioned and used, by locality, service and year; where spot purchase is
    possible, the units bought at short notice beside it (use may exceed the block by them)."""
    cap, used = v.of(m.capacity), v.expression(m.use)
    safe = np.where(cap > _TOLERANCE, cap, 1.0)
    unit, today = _capacity_words(m, v.lp)
    spot = {"spot": _spot_beside_capacity(m, v)} if hasattr(m, "spot") else {}
    return _frame(
        v, m.capacity, unit=unit, capacity=cap, used=used,
        utilisation=np.where(cap > _TOLERANCE, used / safe, 0.0), capacity_today=today, **spot,
    )


def _cohorts_of_flows(m, lp: LinearProgram) -> list[str]:
    return _memo(lp, "flow cohorts",
                 lambda: [m.data.pathway_cohort[p] for _, p, _ in lp.keys(m.routed)])


def flows(m, v: Values) -> pd.DataFrame:
    """People with a new need routed along each pathway."""
    frame = _frame(v, m.routed, people=v.of(m.routed))
    frame.insert(1, "cohort", _cohorts_of_flows(m, v.lp))
    return frame


def caseload(m, v: Values) -> pd.DataFrame:
    """People in each long-term setting and the capacity units their packages need."""
    return _frame(v, m.caseload, people=v.of(m.caseload), units=v.of(m.care_units))


def moves(m, v: Values) -> pd.DataFrame:
    """People supported to move to a more independent setting."""
    return _frame(v, m.move, people=v.of(m.move))


def unmet_need(m, v: Values, binding: pd.DataFrame) -> pd.DataFrame:
    """New need not met, where, and why: a cohort with no care pathway open says so;
    otherwise the binding limits in that locality and year that bear on the cohort's own
    care (its pathways, the services and staff they use, the budget) explain it, those with
    a shadow price (a limit that sits on its bound but is worth nothing to relax, such as a
    pathway suitable for no one that the plan would not use anyway, does not explain
    anything). A shadow price below a millionth of the largest is solver noise."""
    d = m.data
    keys = v.keys(m.unmet)
    people, demand = v.of(m.unmet), parameter_values(m.demand)
    unmet = np.flatnonzero(people > _TOLERANCE)
    labels = _explaining_limits(d, binding) if len(unmet) else {}
    reasons = [""] * len(keys)
    for i in unmet:
        loc, group, t = keys[i]
        here = labels.get((t, loc, group), set()) | labels.get((t, "", group), set())
        reasons[i] = _unmet_reason(d, group, here)
    share = np.divide(people, demand, out=np.zeros_like(people), where=demand != 0)
    return _frame(v, m.unmet, demand=demand, unmet=people, unmet_share=share, why=reasons)


def _explaining_limits(d, binding: pd.DataFrame) -> dict[tuple[str, str, str], set[str]]:
    """The binding limits with a shadow price, in words, by the (year, locality, need group)
    whose unmet need each explains (locality '' for a limit on the whole area)."""
    prices = binding["shadow_price"].abs()
    valued = prices > _TOLERANCE * max(1.0, float(np.max(prices.to_numpy(), initial=0.0)))
    explaining = {name: family.explains_unmet for name, family in FAMILIES.items()
                  if family.explains_unmet is not None}
    limits = binding[binding["binding"] & binding["family"].isin(list(explaining)) & valued]
    labels: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for family, item, year, loc, words in zip(
            limits["family"].tolist(), limits["item"].tolist(), limits["year"].tolist(),
            limits["locality"].tolist(), limits["constraint_label"].tolist(), strict=True):
        for group in explaining[family](d, item):
            labels[year, loc, group].add(words)
    return labels


def _unmet_reason(d, group: str, limits: set[str]) -> str:
    """Why a need group's need is left unmet: no pathway open to it; when the plan maximises
    an outcome (need met first), the budget and the other limits; else the limits binding,
    or (none binding) the plan finding it dearer to meet than to leave."""
    if not any(d.suitable[p] > 0 for p in d.pathways_of.get(group, ())):
        return f"no care pathway is open to {label(d, group)}"
    if d.objective != "min_cost":  # the prices are the outcome's, not why need is unmet
        return ("the budget cannot meet it: no plan within the budget and the other limits "
                "leaves less need unmet")
    return "; ".join(sorted(limits)) or "meeting it would cost more than the unmet-need penalty"


def workforce_plan(m, v: Values) -> pd.DataFrame:
    """Staff needed by the capacity plan, in post, recruited, and the recruitment limit."""
    d = m.data
    keys = v.keys(m.staff)
    capacity = dict(zip(v.keys(m.capacity), v.of(m.capacity).tolist(), strict=True))
    needed = [sum(d.staff_per_unit[s, w] * capacity[loc, s, t] for s in d.services_needing[w])
              for loc, w, t in keys]
    limit = dict(zip(m.hire_max.keys(), parameter_values(m.hire_max).tolist(), strict=True))
    return _frame(v, m.staff, staff_needed=needed, staff_in_post=v.of(m.staff),
                  recruited=v.of(m.hire), recruitment_limit=[limit[key] for key in keys])


def _achieved_shape(m, lp: LinearProgram) -> tuple:
    """Which (locality, cohort, year) group each flow falls in, and each flow's share
    achieving each indicator."""
    def make() -> tuple:
        d = m.data
        groups: dict[tuple, int] = {}
        codes = [groups.setdefault((loc, d.pathway_cohort[p], t), len(groups))
                 for loc, p, t in lp.keys(m.routed)]
        pathways = [p for _, p, _ in lp.keys(m.routed)]
        return (list(groups), np.asarray(codes, dtype=np.int64),
                {k: np.asarray([d.outcome.get((p, k), 0.0) for p in pathways], dtype=float)
                 for k in d.indicators})
    return _memo(lp, "achieved", make)


def _achieved_by(m, v: Values) -> dict[str, dict[tuple, float]]:
    """People achieving each indicator, by (locality, cohort, year)."""
    groups, codes, shares = _achieved_shape(m, v.lp)
    people = v.of(m.routed)
    return {k: dict(zip(groups, np.bincount(codes, weights=people * share,
                                             minlength=len(groups)).tolist(), strict=True))
            for k, share in shares.items()}


_OUTCOME_COLUMNS = ["target", "indicator", "group", "year", "achieved_people", "achieved_share",
                    "sense", "level", "basis", "required_people", "met"]


class TargetCount(NamedTuple):
    """One outcome target row in a plan: the people achieving its indicator against the
    people its level asks for."""

    key: tuple
    """(target, group, year)."""
    row: TargetRow
    achieved: float
    need: float
    """The new need it counts (people)."""
    required: float

    @property
    def met(self) -> bool:
        """Whether the plan meets it, within a millionth of a person: the one judgement the
        outcomes table and an appraisal's comparison row ("targets missed") both report."""
        if self.row.sense == "at_least":
            return self.achieved >= self.required - _TOLERANCE
        return self.achieved <= self.required + _TOLERANCE


def _total(table: dict, localities, cohorts, year: str) -> float:
    return sum(table.get((loc, g, year), 0.0) for loc in localities for g in cohorts)


def target_counts(m, v: Values, achieved: dict[str, dict[tuple, float]] | None = None
                  ) -> list[TargetCount]:
    """Every outcome target row's people achieved and required in the plan (``achieved``:
    :func:`_achieved_by`'s, if already made)."""
    d = m.data
    achieved = _achieved_by(m, v) if achieved is None else achieved
    demand = dict(zip(m.demand.keys(), parameter_values(m.demand).tolist(), strict=True))
    # From the levels, not the rows' bounds: a group with no pathway to the indicator has
    # a row without variables, whose bound Pyomo holds on the other side (±inf here).
    levels = dict(zip(m.target_level.keys(), parameter_values(m.target_level).tolist(),
                      strict=True))
    counts = []
    for key in v.keys(m.outcome_target):
        row = d.target_rows[key]
        need = _total(demand, row.localities, row.cohorts, row.year)
        counts.append(TargetCount(
            key, row, _total(achieved[row.indicator], row.localities, row.cohorts, row.year),
            need, people_required(row, levels[key], need)))
    return counts


def outcome_report(m, v: Values) -> pd.DataFrame:
    """Every indicator achieved, area-wide each year, and against each target."""
    d = m.data
    achieved = _achieved_by(m, v)
    demand = dict(zip(m.demand.keys(), parameter_values(m.demand).tolist(), strict=True))
    rows = []
    for k in d.indicators:
        for t in m.T:
            count = _total(achieved[k], d.localities, d.cohorts, t)
            need = sum(demand[n] for n in d.needs_in[t])
            # An area row has no level nor people required: the frame leaves them NaN.
            rows.append({"target": "", "indicator": k, "group": "area", "year": t,
                         "achieved_people": count,
                         "achieved_share": count / need if need else 0.0,
                         "sense": "", "basis": "demand", "met": True})
    for target in target_counts(m, v, achieved):
        row = target.row
        rows.append({"target": target.key[0], "indicator": row.indicator,
                     "group": target.key[1], "year": row.year,
                     "achieved_people": target.achieved,
                     "achieved_share": target.achieved / target.need if target.need else 0.0,
                     "sense": row.sense, "level": row.level, "basis": row.basis,
                     "required_people": target.required, "met": target.met})
    # Named columns even with no indicator, so the tables that read it find them.
    return pd.DataFrame(rows, columns=_OUTCOME_COLUMNS)


TAIL = "end of horizon"
"""The payment type of the cost after the last year (MODEL.md 10): counted in the objective
where ``settings.end_of_horizon`` is on, never money spent in the plan's years."""
NOT_SPEND = ("penalty", TAIL, "delay")
"""Payment types in the cost breakdown that are not money the council pays in the plan."""


def spending(costs: pd.DataFrame) -> pd.DataFrame:
    """The cost table's rows of money the council pays in the plan's years (no unmet-need
    charge, delays or care after the last year)."""
    return costs[~costs["payment"].isin(NOT_SPEND)]


def price_base(d: Prepared) -> str:
    """The price base of every £ figure, and whether figures are discounted, in words."""
    first = d.years[0]
    if d.price_year is None or d.price_year == first:
        prices = f"Prices are as the instance gives them, taken to be at {first} levels."
    else:
        years = years_of_inflation(d.price_year, first)
        rate = d.price_index ** (1 / max(1, years)) - 1
        prices = (f"Prices are at {first} levels: the instance's {d.price_year} prices raised "
                  f"by {rate:.1%} a year (× {d.price_index:.3f}).")
    discounted = (f"discounted at {d.discount_rate:.1%} a year to {first}"
                  if d.discount_rate else "not discounted")
    return (f"{prices} Costs are in constant {first} prices, not cash; totals are "
            f"{discounted}, and yearly spending tables are undiscounted.")


class Payment(NamedTuple):
    """Money the council pays: a named expression of the objective, the variable whose index
    it shares (locality, service or role, year), and its payment type in the tables."""

    expression: str
    variable: str
    payment: str


SPEND: tuple[Payment, ...] = (
    Payment("capacity_payment", "capacity", "block"),
    Payment("use_payment", "capacity", "spot"),
    Payment("outcome_payment", "capacity", "outcomes"),
    Payment("recruitment_cost", "staff", "recruitment"),
    Payment("spot_payment", "spot", "spot purchase"),
    Payment("agency_cost", "agency", "agency staff"),
)
"""Every payment the council makes, in the order the cost breakdown lists them."""


def spend_payments(m) -> list[Payment]:
    """The payments this model has (spot purchases and agency staff are optional)."""
    return [p for p in SPEND if hasattr(m, p.variable) and hasattr(m, p.expression)]


def cost_breakdown(m, v: Values) -> pd.DataFrame:
    """Cost by service, payment type, locality and year, undiscounted and discounted. The
    unmet-need penalty and the end-of-horizon tail (its year the last planning year, its
    cost what the caseload left then costs until it leaves) are rows of their own."""
    d = m.data
    columns = ["locality", "service", "payment", "year", "cost"]
    parts = []

    def add(keys, item: str | None, payments: list[str], amounts: list[np.ndarray]):
        # Payments of one row side by side, so rows keep the order the model lists them in.
        stacked = np.stack(amounts, axis=1).ravel()
        chosen = np.flatnonzero(np.abs(stacked) > _TOLERANCE)
        if not len(chosen):
            return
        index = np.empty(len(keys), dtype=object)
        index[:] = keys
        rows = index[chosen // len(payments)]
        parts.append(pd.DataFrame({
            "locality": [key[0] for key in rows],
            "service": [key[1] for key in rows] if item is None else item,
            "payment": np.asarray(payments, dtype=object)[chosen % len(payments)],
            "year": [key[-1] for key in rows],
            "cost": stacked[chosen],
        }))

    for variable, payments in groupby(spend_payments(m), key=lambda p: p.variable):
        group = list(payments)
        add(v.keys(getattr(m, variable)), None, [p.payment for p in group],
            [v.expression(getattr(m, p.expression)) for p in group])
    add(v.keys(m.unmet), "unmet need", ["penalty"], [v.expression(m.unmet_penalty)])
    if len(m.DELAY):  # the priced days people wait for a short-term place (MODEL.md 13)
        add([(loc, s, t) for loc, s, t, _ in m.delay_cost.index_set()], None, ["delay"],
            [v.expression(m.delay_cost)])
    add([(loc, s, d.years[-1]) for loc, s in m.end_of_horizon.index_set()], None, [TAIL],
        [v.expression(m.end_of_horizon)])
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        {name: pd.Series(dtype=object if name != "cost" else float) for name in columns})
    frame["discounted_cost"] = frame["cost"] * frame["year"].map(d.discount).astype(float)
    return frame


def _names(component, keys: list) -> list[str]:
    """Pyomo's names for a component's members (``capacity_covers_use[Melton,reablement,
    2027/28]``; a row with no index, ``least_unmet``), each index value written once however
    many members share it."""
    written: dict = {}

    def write(value) -> str:
        text = written.get(value)
        if text is None:
            text = written[value] = name_repr(value)
        return text

    prefix = component.name
    if not component.is_indexed():
        return [prefix] * len(keys)
    return [f"{prefix}[{','.join(map(write, key))}]" if type(key) is tuple
            else f"{prefix}[{write(key)}]" for key in keys]


def _binding(v: Values, constraint) -> np.ndarray:
    """Whether each member's body sits on one of its bounds."""
    body = v.body(constraint)
    lower, upper = v.bounds(constraint)
    result = np.zeros(len(body), dtype=bool)
    for level in (lower, upper):
        finite = np.isfinite(level)
        close = np.abs(body - level) <= _TOLERANCE * np.maximum(1.0, np.abs(level))
        result |= finite & close
    return result


_PRICE_COLUMNS = ["family", "locality", "item", "year", "constraint_label", "shadow_price",
                  "unit", "binding", "constraint"]


def _price_words(m, lp: LinearProgram) -> dict:
    """The columns of the shadow-price table that do not depend on the solution (family,
    where, words, names), as lists and as a frame, with the families in its rows' order: the
    same for every re-solve of a model, so made once (while HiGHS solves)."""
    words = lp.memo.get("shadow_prices")
    if words is not None:
        return words
    d = m.data
    maximising = d.objective != "min_cost"
    columns: dict[str, list] = {name: [] for name in ("family", "locality", "item", "year",
                                                      "constraint_label", "unit",
                                                      "constraint")}
    families = []
    for family, how in FAMILIES.items():
        if how.dual_unit is None or how.shadow_price is None:
            continue
        # Maximising, the objective counts people achieving the outcome (the words say which).
        unit = how.dual_unit.replace("£", "people", 1) if maximising else how.dual_unit
        constraint = getattr(m, family)
        keys = lp.keys(constraint)
        if not keys:
            continue
        families.append(family)
        indices = [key if isinstance(key, tuple) else (key,) for key in keys]
        spread = [how.spread(index) for index in indices]
        columns["family"] += [family] * len(keys)
        for name in ("locality", "item", "year"):
            columns[name] += [w[name] for w in spread]
        columns["constraint_label"] += [how.shadow_price(d, *index) for index in indices]
        columns["unit"] += [unit] * len(keys)
        columns["constraint"] += _names(constraint, keys)
    words = lp.memo["shadow_prices"] = {"columns": columns, "frame": pd.DataFrame(columns),
                                        "families": families}
    return words


def shadow_prices(m, v: Values) -> pd.DataFrame:
    """The marginal value of every capacity, workforce, outcome, market, suitability and
    budget limit, in words, with the binding ones flagged. Values are in discounted £, or
    in people achieving the outcome when the plan maximises one. An inequality's shadow
    price is a magnitude: its words say whether it is a cost of tightening or a saving from
    relaxing (people given up, or more people); a family registered as ``signed`` (meeting
    need, an equality) keeps its sign."""
    words, prices, binding = price_arrays(m, v)
    if not words["families"]:
        return pd.DataFrame(columns=_PRICE_COLUMNS)
    frame = words["frame"].copy()
    frame["shadow_price"] = prices
    frame["binding"] = binding
    return frame[_PRICE_COLUMNS]


def price_arrays(m, v: Values) -> tuple[dict, np.ndarray, np.ndarray]:
    """The shadow-price table as arrays: its solution-free columns (``words["columns"]``, made
    once per model), each row's shadow price and whether its limit binds."""
    words = _price_words(m, v.lp)
    prices, binding = [np.empty(0)], [np.empty(0, dtype=bool)]
    for family in words["families"]:
        constraint = getattr(m, family)
        dual = v.dual(constraint)
        signed = FAMILIES[family].signed
        prices.append((dual if signed else np.abs(dual)) + 0.0)
        binding.append(np.ones(len(dual), dtype=bool) if signed else _binding(v, constraint))
    return words, np.concatenate(prices), np.concatenate(binding)


def table_expressions(m) -> list[str]:
    """The named expressions the tables read."""
    return ["use", "unmet_penalty", "delay_cost", "end_of_horizon",
            *(p.expression for p in spend_payments(m))]


def prepare_tables(m, lp: LinearProgram) -> None:
    """Make every part of the tables that does not depend on the solution: index columns,
    words, names, the expressions' sparse rows. The direct route runs this while HiGHS
    solves (HiGHS releases Python's lock), so only the solution's own columns are left."""
    with PauseGC():
        for name in _INDEX_COLUMNS:
            _index_frame(lp, getattr(m, name))
        _capacity_words(m, lp)
        _cohorts_of_flows(m, lp)
        _achieved_shape(m, lp)
        _price_words(m, lp)
        for name in table_expressions(m):
            lp.expression_rows(getattr(m, name))


def extract(m, values: Values) -> dict[str, pd.DataFrame]:
    """Every results table of a solved model, from the solver's arrays."""
    with PauseGC():  # no cyclic collection walking the whole model while tables are built
        return _tables(m, values)


def _tables(m, v: Values) -> dict[str, pd.DataFrame]:
    prices = shadow_prices(m, v)
    capacity = capacity_plan(m, v)
    return {
        "capacity": capacity,
        "flows": flows(m, v),
        "caseload": caseload(m, v),
        "moves": moves(m, v),
        "unmet": unmet_need(m, v, prices),
        "workforce": workforce_plan(m, v),
        "outcomes": outcome_report(m, v),
        "costs": cost_breakdown(m, v),
        "shadow_prices": prices,
        "phase_in": phase_in(m.data, capacity, prices),
        **short_term_tables(m, v),
    }
