r"""End of horizon (MODEL.md 10): what the caseload left at the end of the last year goes on
costing until it leaves.

Left alone after year T, a need group's caseload in setting s shrinks by its leave share
and its deterioration rates each year, and the people who deteriorate take their new
package into the more intensive setting. Year k after T, the care units U_k and people N_k
follow

    N_{k+1} = M N_k,        U_{k+1} = A U_k + B N_k,

with A = diag(1 - leave_s - \sum_{s'} worsen_{s,s'}), M = A plus worsen_{s,s'} from s into s',
and B_{s',s} = worsen_{s,s'} package_{s'}. Summed over every later year, the care units each
setting r goes on needing are

    \sum_{k \ge 1} U_k = K_U U_T + K_N N_T,   K_U = (I - A)^{-1} A,
                                          K_N = (I - A)^{-1} B (I - M)^{-1},

and the tail is c^T (K_U U_T + K_N N_T), with c_r the yearly cost of one care unit of r (its
block price over occupancy plus its spot price). The weights K are computed here; the prices
stay in the model as parameters, so a scenario that changes a price changes the tail too.
Without deterioration K_U is diagonal, (1 - leave_s) / leave_s: MODEL.md's geometric series.
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


def tail_weights(
    group: str, settings: list[str], leave: Mapping[tuple[str, ...], float],
    worsening: list[Worsening],
) -> dict[tuple[str, str], tuple[float, float]]:
    """Care units of setting r needed over every year after the last, per care unit and per
    person of one need group in setting s at the end of the last year: {(s, r): (K_U, K_N)},
    non-zero entries only."""
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
    identity = np.eye(n)
    per_unit = np.diag(stay / (1.0 - stay))
    per_person = np.linalg.solve(identity - np.diag(stay), units_in) @ np.linalg.inv(
        identity - np.diag(stay) - moves)
    return {(s, r): (float(per_unit[index[r], index[s]]), float(per_person[index[r], index[s]]))
            for s in settings for r in settings
            if per_unit[index[r], index[s]] or per_person[index[r], index[s]]}
