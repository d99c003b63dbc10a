"""How many random cases the property tests draw, and from which seed.

``make test`` runs the fixed profile: the same cases every run (Hypothesis derandomised), so
a test that passes keeps passing and a failure can be reproduced. ``make properties`` runs
the wide profile: ten times the cases, from a fresh random seed each run, to look for new
counterexamples; each one found becomes an explicit test in tests/test_properties.py.
"""

from __future__ import annotations

import os

from hypothesis import settings

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "fixed")
WIDER = {"fixed": 1, "wide": 10}[PROFILE]

settings.register_profile("fixed", derandomize=True, database=None, deadline=None)
settings.register_profile("wide", derandomize=False, database=None, deadline=None,
                          print_blob=True)
settings.load_profile(PROFILE)


def examples(count: int) -> int:
    """The number of cases a property test draws under the profile in force."""
    return count * WIDER
