"""The order an appraisal's options are solved in: each next to the options most like it.

A worker re-solves each option on a kept model from the last option's optimal basis (a hot
start, see :mod:`optimiser.appraisal.resolve`). HiGHS's work on a re-solve grows with how far
the new figures are from the last ones: the 1,000 options of the benchmark appraisal, each
scaling four figures at random, take about half the simplex iterations when each follows
its nearest neighbour rather than the file's order.

Options are grouped by what decides their model's structure (contract designs, rows added or
removed), then within each group chained greedily: from the group's first option, always on
to the nearest option not yet taken. Nearness is measured on the options' figures: each
scaled figure's factor (as its logarithm) and each number set, one coordinate for each
(table, rows, field) an option of the appraisal changes, each coordinate divided by its
spread over the options so that no one figure's unit outweighs the others. The order
changes only which basis each solve starts from, never an option's answer."""

from __future__ import annotations

import json
import math

import numpy as np

from models import Instance
from models.appraisal import ContractChange, Option, TableChange

Coordinate = tuple[str, str, str, str]
"""How a change is recognised across options: (scale or value, table, field, rows)."""


def _figures(option: Option) -> dict[Coordinate, float]:
    """The option's changed figures: each scale's logarithm, each number set."""
    found: dict[Coordinate, float] = {}
    for change in option.changes:
        if not isinstance(change, TableChange) or change.field is None \
                or not _figures_only(change):
            continue
        rows = json.dumps(change.where, sort_keys=True)
        if change.scale is not None:
            found["scale", change.table, change.field, rows] = math.log(change.scale)
        elif isinstance(change.value, int | float):
            found["value", change.table, change.field, rows] = float(change.value)
    return found


def _figures_only(change: TableChange) -> bool:
    """Whether the change scales a field or sets it to a number."""
    return change.field is not None and (change.scale is not None
                                         or isinstance(change.value, int | float))


def _structure(option: Option, instance: Instance) -> tuple:
    """What of an option decides whether one kept model can solve it: its contract designs,
    and the rows it adds or removes (and any words it sets)."""
    others = sorted(change.describe() for change in option.changes
                    if isinstance(change, ContractChange) or not _figures_only(change))
    return tuple(instance.settings.designs), tuple(others)


def _points(options: list[Option]) -> np.ndarray:
    """One row per option, one column per figure any of them changes, each column scaled by
    its spread; a figure an option leaves alone sits at the column's mean."""
    figures = [_figures(o) for o in options]
    coordinates = sorted({c for found in figures for c in found})
    points = np.full((len(options), len(coordinates)), np.nan)
    for i, found in enumerate(figures):
        for j, coordinate in enumerate(coordinates):
            points[i, j] = found.get(coordinate, np.nan)
    if not coordinates:
        return points
    means = np.nanmean(points, axis=0)  # every column has at least one figure
    points = np.where(np.isnan(points), means, points)
    spread = points.std(axis=0)
    return (points - means) / np.where(spread > 0, spread, 1.0)


def _chain(points: np.ndarray) -> list[int]:
    """A greedy nearest-neighbour path through the points, from the first."""
    count = len(points)
    if count == 0:
        return []
    left = np.ones(count, dtype=bool)
    path = [0]
    left[0] = False
    for _ in range(count - 1):
        distance = ((points - points[path[-1]]) ** 2).sum(axis=1)
        distance[~left] = np.inf
        nearest = int(np.argmin(distance))
        path.append(nearest)
        left[nearest] = False
    return path


def solving_order(options: list[Option], instances: dict[str, Instance]) -> list[str]:
    """The options' names in the order to solve them: grouped by structure (groups in the
    order their first option comes), each group chained from nearest to nearest."""
    groups: dict[tuple, list[Option]] = {}
    for option in options:
        groups.setdefault(_structure(option, instances[option.name]), []).append(option)
    order: list[str] = []
    for group in groups.values():
        order += [group[i].name for i in _chain(_points(group))]
    return order
