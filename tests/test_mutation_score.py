"""The mutation kill rate reported in docs/testing.md, from mutmut's listings."""

from __future__ import annotations

from tests.mutation_score import rate, tally, verdicts

FIRST = ["    optimiser.results.x_a__mutmut_1: killed",
         "    optimiser.results.x_a__mutmut_2: survived",
         "    optimiser.results.x_a__mutmut_3: not checked",
         "    optimiser.prepare.x_b__mutmut_1: no tests"]
GONE = "    optimiser.results.x_gone__mutmut_1: killed"
"""A mutant of code changed since: not in the last listing, so not counted."""
LATER = ["    optimiser.results.x_a__mutmut_1: not checked",
         "    optimiser.results.x_a__mutmut_2: killed",
         "    optimiser.results.x_a__mutmut_3: survived",
         "    optimiser.prepare.x_b__mutmut_1: timeout"]


def test_a_later_run_replaces_the_verdicts_it_reached_and_keeps_the_others():
    """The later run kills mutant 2 and reaches 3 and the prepare mutant; it did not reach
    mutant 1, which stays killed. Killed (or timed out): 1, 2 and the prepare one, 3 of 4. A
    mutant the last run does not list (its code has changed) is left out."""
    latest = verdicts([[*FIRST, GONE], LATER])
    assert latest == {"optimiser.results.x_a__mutmut_1": "killed",
                      "optimiser.results.x_a__mutmut_2": "killed",
                      "optimiser.results.x_a__mutmut_3": "survived",
                      "optimiser.prepare.x_b__mutmut_1": "timeout"}
    total, by_module, survivors = tally(latest)
    assert rate(total) == 3 / 4
    assert rate(by_module["optimiser.results"]) == 2 / 3
    assert survivors == ["optimiser.results.x_a__mutmut_3"]


def test_mutants_not_reached_are_left_out_of_the_rate_and_untested_ones_are_not():
    """In the first listing alone: 1 killed, 1 survived, 1 with no test, 1 not reached:
    1 killed of the 3 reached."""
    total, _, _ = tally(verdicts([FIRST]))
    assert rate(total) == 1 / 3
