"""MODEL.md 9: deterioration. A share of each long-term caseload moves each year to a more
intensive setting with its new package; these are its terms in the caseload balances."""

from __future__ import annotations

from typing import Any

from optimiser.constraints import Model
from optimiser.constraints.stocks import previous_caseload


def worsening_terms(m: Model, locality: str, group: str, setting: str, year: str,
                    units: bool) -> list[tuple[float, Any]]:
    r"""What deterioration adds to a setting's balance, as (coefficient, term) pairs.

    In people: - \sum_{s'} worsen_{s,s'} caseload_{s,t-1} + \sum_{s''} worsen_{s'',s}
    caseload_{s'',t-1}. In care units, those leaving take the setting's average package
    (- worsen_{s,s'} units_{s,t-1}) and those arriving their new one
    (+ worsen_{s'',s} package_{s} caseload_{s'',t-1})."""
    d = m.data
    stock, start = (m.care_units, d.units0) if units else (m.caseload, d.caseload0)
    here = previous_caseload(m, stock, start, locality, group, setting, year)
    terms = [(-w.rate, here) for w in d.worsening_out_of.get((group, setting), ())]
    for w in d.worsening_into.get((group, setting), ()):
        source = previous_caseload(m, m.caseload, d.caseload0, locality, group,
                                   w.from_service, year)
        terms.append((w.rate * (w.package_to if units else 1.0), source))
    return terms
