r"""End of horizon (MODEL.md 10): what the caseload left at the end of the last year goes on
costing until it leaves.

Left alone after year T, a need group's caseload in setting s shrinks by its leave share
and its deterioration rates each year, and the people who deteriorate take their new
package into the more intensive setting. Year k after T, the care units U_k and people N_k
follow

    N_{k+1} = M N_k,        U_{k+1} = A U_k + B N_k,

with A = diag(1 - leave_s - \sum_{s'} worsen_{s,s'}), M = A plus worsen_{s,s'} from s into s',
and B_{s',s} = worsen_{s,s'} package_{s'}. The tail is \sum_{k \ge 1} c^T U_k with c_s the
yearly cost of one care unit of s (its block price over occupancy plus its spot price):

    tail = \alpha^T U_T + \beta^T N_T,   \alpha^T = c^T (I - A)^{-1} A,
                                        \beta^T = c^T (I - A)^{-1} B (I - M)^{-1}.

Without deterioration \alpha_s = c_s (1 - leave_s) / leave_s: MODEL.md's geometric series.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Worsening:
    """A share of a need group's caseload moving each year to a more intensive setting."""

    group: str
    from_service: str
    to_service: str
    rate: float
    package_to: float
    """Capacity units per person in the new setting."""


class EndlessTail(ValueError):
    """A setting no one ever leaves: its caseload's cost would run on for ever."""


def tail_coefficients(
    group: str, settings: list[str], leave: Mapping[tuple[str, ...], float],
    worsening: list[Worsening], unit_cost: dict[str, float],
) -> dict[str, tuple[float, float]]:
    """(alpha, beta) per setting of one need group: £ of future cost per care unit and per
    person in the setting at the end of the last year, undiscounted."""
    index = {s: i for i, s in enumerate(settings)}
    n = len(settings)
    stay = np.array([1.0 - leave.get((group, s), 0.0) for s in settings])
    moves = np.zeros((n, n))
    units_in = np.zeros((n, n))
    for w in worsening:
        if w.group == group and w.from_service in index and w.to_service in index:
            i, j = index[w.from_service], index[w.to_service]
            stay[i] -= w.rate
            moves[j, i] += w.rate
            units_in[j, i] += w.rate * w.package_to
    for s in settings:
        if stay[index[s]] >= 1.0 - 1e-12:
            raise EndlessTail(
                f"no one in {group!r}'s caseload in {s!r} ever leaves (no leave share or "
                "deterioration rate), so the end-of-horizon tail would be endless; give a "
                "leave share or switch settings.end_of_horizon off")
    a = np.diag(stay)
    cost = np.array([unit_cost.get(s, 0.0) for s in settings])
    per_unit = np.linalg.solve((np.eye(n) - a).T, cost)
    alpha = a.T @ per_unit
    beta = np.linalg.solve((np.eye(n) - a - moves).T, units_in.T @ per_unit)
    return {s: (float(alpha[index[s]]), float(beta[index[s]])) for s in settings}
