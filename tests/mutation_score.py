"""The kill rate of a mutation run: ``python -m tests.mutation_score FILE...``, where each FILE
holds ``mutmut results --all true`` (one ``module.function__mutmut_N: status`` a line).

Several files are runs of the same mutants in turn, oldest first; the last one lists the
mutants of the code as it is. A later run's verdict replaces an earlier one's for every mutant
it reached, and a mutant it did not reach keeps its latest earlier verdict. That holds only
while the mutated functions are unchanged and tests are only added between the runs (a test
added can kill a mutant, never revive one): leave a function changed in between out of the
earlier listings.

Prints the count of each status, the kill rate by module and overall, and the surviving
mutants, for docs/testing.md. A mutant counts as killed when a test failed (killed) or it ran
past its time limit (timeout); survived means every selected test passed with the error in
place; 'no tests' means no selected test runs the mutated function (counted as not killed);
'not checked' means the run did not reach it (left out of the rate, and reported)."""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path

KILLED = ("killed", "timeout")
UNRUN = "not checked"


def verdicts(listings: list[list[str]]) -> dict[str, str]:
    """The latest verdict of each mutant of the last listing, over listings oldest first."""
    latest: dict[str, str] = {}
    for lines in listings:
        for line in lines:
            name, sep, status = line.strip().rpartition(": ")
            if sep and (status != UNRUN or name not in latest):
                latest[name] = status
    current = {line.strip().rpartition(": ")[0] for line in listings[-1]} if listings else set()
    return {name: status for name, status in latest.items() if name in current}


def score(lines: list[str]) -> tuple[Counter, dict[str, Counter], list[str]]:
    """(statuses, statuses by module, surviving mutants) of a results listing."""
    return tally(verdicts([lines]))


def tally(latest: dict[str, str]) -> tuple[Counter, dict[str, Counter], list[str]]:
    """(statuses, statuses by module, surviving mutants) of verdicts by mutant."""
    total: Counter = Counter()
    by_module: dict[str, Counter] = defaultdict(Counter)
    survivors = []
    for name, status in latest.items():
        module = name.rsplit(".", 1)[0]
        total[status] += 1
        by_module[module][status] += 1
        if status == "survived":
            survivors.append(name)
    return total, by_module, survivors


def tested(counts: Counter) -> int:
    """Mutants the run reached."""
    return sum(n for status, n in counts.items() if status != UNRUN)


def killed(counts: Counter) -> int:
    return sum(counts[s] for s in KILLED)


def rate(counts: Counter) -> float:
    """Killed (or timed out) among the mutants that were tested."""
    reached = tested(counts)
    return killed(counts) / reached if reached else float("nan")


def row(name: str, counts: Counter) -> str:
    reached = tested(counts)
    shown = f"{rate(counts):.1%}" if reached else "not measured"
    return (f"| {name} | {sum(counts.values())} | {reached} | {killed(counts)} | "
            f"{counts['survived']} | {counts['no tests']} | {shown} |")


def main(argv: list[str]) -> int:
    total, by_module, survivors = tally(verdicts([Path(path).read_text().splitlines()
                                                  for path in argv]))
    print(", ".join(f"{status}: {n}" for status, n in total.most_common()))
    print(f"kill rate: {rate(total):.1%} of {tested(total)} tested "
          f"({total[UNRUN]} of {sum(total.values())} not reached)")
    print("\n| module | mutants | tested | killed | survived | no tests | kill rate |\n"
          "|---|---:|---:|---:|---:|---:|---:|")
    for module, counts in sorted(by_module.items()):
        print(row(module.removeprefix("optimiser."), counts))
    print(row("**all**", total))
    print(f"\nsurviving mutants ({len(survivors)}):")
    print("\n".join(survivors))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
