"""Every shipped instance pinned: its status, objective (to 1e-6 relative) and LP size.

A change to the model, to prepare.py or to an instance moves these figures; the pin says so
(tests/test_expected_values.py) until the figures are regenerated, with the reason, in the
same commit as the change:

    .venv/bin/python -m tests.expected_values --update --reason "deterioration added (issue 9)"

rewrites this file: figures that moved get today's date and the reason, figures that did not
keep theirs. Without ``--update`` it only prints the table of what the instances give now.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]


class Expected(NamedTuple):
    """What one shipped instance gives."""

    status: str
    objective: float | None
    """The objective HiGHS finds (discounted £, or people when an outcome is maximised);
    None when there is no plan."""
    rows: int
    columns: int
    nonzeros: int
    reason: str
    """When these figures were set, and why."""


# --- the table (written by --update) ---
EXPECTED: dict[str, Expected] = {
    'instances/default/instance.yaml': Expected(
        'optimal', 687350512.1925324, 1630, 1500, 5301,
        '2026-12-01: issue 9: price base, end-of-horizon tail, need bands, deterioration'),
    'instances/england/best-practice.yaml': Expected(
        'optimal', 258661717376.77463, 2110, 2000, 7008,
        '2026-12-01: issue 9: diverted home with an upper-quartile package (001:627, 634)'),
    'instances/england/instance.yaml': Expected(
        'optimal', 268610057620.73715, 2170, 2000, 7068,
        '2026-12-01: issue 9: price base, end-of-horizon tail, need bands, deterioration'),
    'instances/england/uncertainty.yaml': Expected(
        'optimal', 268423320619.18024, 2170, 2200, 7268,
        '2026-12-01: issue 9: price base, end-of-horizon tail, need bands, deterioration'),
    'instances/examples/infeasible-budget-contracts/instance.yaml': Expected(
        'infeasible', None, 7, 5, 11,
        '2026-12-01: first pinned, from main after the registry of families (issue 14)'),
    'instances/examples/infeasible-market-growth/instance.yaml': Expected(
        'infeasible', None, 13, 9, 21,
        '2026-12-01: first pinned, from main after the registry of families (issue 14)'),
    'instances/examples/infeasible-workforce-target/instance.yaml': Expected(
        'infeasible', None, 27, 18, 52,
        '2026-12-01: first pinned, from main after the registry of families (issue 14)'),
    'instances/examples/newsvendor/instance.yaml': Expected(
        'optimal', 1000.0, 4, 4, 7,
        '2026-12-01: instances with scenarios, pinned as their base alone (issue 10)'),
    'instances/examples/worked-example/instance.yaml': Expected(
        'optimal', 952616.0, 10, 7, 18,
        '2026-12-01: first pinned, from main after the registry of families (issue 14)'),
    'instances/ipacs-discharge/instance.yaml': Expected(
        'optimal', 16462662.023150947, 1179, 162, 3375,
        '2026-12-01: a planning year is 52 weeks of 7 days: a 4-week stay is 28 days, not 28.08'),
    'instances/lancashire-reablement/instance.yaml': Expected(
        'optimal', 769682621.9945399, 80, 55, 172,
        '2026-12-01: issue 9: price base, end-of-horizon tail, need bands, deterioration'),
    'instances/lancashire-reablement/outcomes-based.yaml': Expected(
        'optimal', 690082773.4860827, 80, 55, 172,
        '2026-12-01: issue 9: price base, end-of-horizon tail, need bands, deterioration'),
    'instances/lancashire-reablement/uncertainty.yaml': Expected(
        'optimal', 769682621.9945399, 80, 55, 172,
        '2026-12-01: issue 9: price base, end-of-horizon tail, need bands, deterioration'),
    'instances/leicestershire/instance.yaml': Expected(
        'optimal', 3175196969.775222, 3970, 3570, 12915,
        '2026-12-01: issue 9: diverted home with an upper-quartile package (001:627, 634)'),
    'instances/nottinghamshire/instance.yaml': Expected(
        'optimal', 3901975893.204982, 3795, 3500, 12719,
        '2026-12-01: issue 9: price base, end-of-horizon tail, need bands, deterioration'),
}
# --- end of the table ---


def shipped() -> list[str]:
    """Every shipped instance file, relative to the repository."""
    return sorted(str(path.relative_to(ROOT)) for path in (ROOT / "instances").rglob("*.yaml")
                  if "appraisals" not in path.parts and "_build" not in path.parts)


def measure(relative: str) -> tuple[str, float | None, int, int, int]:
    """Solve one shipped instance: (status, objective, rows, columns, nonzeros)."""
    from optimiser.io import load_instance
    from optimiser.pipeline import solve

    solution = solve(load_instance(ROOT / relative), ranging=False)  # the pins need no ranging
    size = solution.size
    return (solution.status, solution.objective, size["rows"], size["columns"],
            size["nonzeros"])


def moved(old: Expected, status: str, objective: float | None, size: tuple[int, int, int]
          ) -> bool:
    """Whether the figures differ from the pinned ones (the objective by more than 1e-6)."""
    if (old.status, (old.rows, old.columns, old.nonzeros)) != (status, size):
        return True
    if old.objective is None or objective is None:
        return old.objective != objective
    return abs(objective - old.objective) > 1e-6 * max(1.0, abs(old.objective))


def _table(entries: dict[str, Expected]) -> str:
    lines = ["EXPECTED: dict[str, Expected] = {"]
    for name, e in entries.items():
        lines += [f"    {name!r}: Expected(",
                  f"        {e.status!r}, {e.objective!r}, {e.rows}, {e.columns}, {e.nonzeros},",
                  f"        {e.reason!r}),"]
    return "\n".join(lines) + "\n}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.expected_values",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--update", action="store_true", help="rewrite the table in this file")
    parser.add_argument("--reason", help="why the figures moved (required with --update when "
                                         "any did)")
    args = parser.parse_args(argv)
    today = datetime.date.today().isoformat()
    entries: dict[str, Expected] = {}
    changed = []
    for name in shipped():
        status, objective, rows, columns, nonzeros = measure(name)
        old = EXPECTED.get(name)
        if old is not None and not moved(old, status, objective, (rows, columns, nonzeros)):
            entries[name] = old
            continue
        changed.append(name)
        entries[name] = Expected(status, objective, rows, columns, nonzeros,
                                 f"{today}: {args.reason}")
    table = _table(entries)
    print(table)
    print(f"{len(changed)} of {len(entries)} moved: {', '.join(changed) or 'none'}",
          file=sys.stderr)
    if args.update and changed:
        if not args.reason:
            parser.error("--reason is required when figures moved")
        path = Path(__file__)
        text = path.read_text()
        start = text.index("# --- the table (written by --update) ---\n")
        end = text.index("# --- end of the table ---")
        head = text[:start] + "# --- the table (written by --update) ---\n"
        path.write_text(head + table + text[end:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
