"""A commissioner's question, end to end in Python (docs/python.md).

Home-care providers ask for a fee uplift from £17.48 to £21.15 an hour, at the 2019/20 prices
the instance's fees are stated in (its price index brings both to 2026/27: £20.78 and £25.15).
What would it cost over the five planning years and after them, and should we then commission
differently?

    .venv/bin/python examples/fee_uplift.py [--out FOLDER]

It loads the default instance, solves it as it stands, reads from the ranging table how far
the home-care price can rise before today's plan changes, solves again with the new price
(a change made for this solve only, with its source), compares the two plans and writes
each one's workbook and summary into FOLDER (default output/fee-uplift)."""

from __future__ import annotations

import argparse
from pathlib import Path

import optimiser

INSTANCE = Path(__file__).parents[1] / "instances" / "default" / "instance.yaml"
NEW_FEE = 21.15 * 52
"""£21.15 an hour at 2019/20 prices, bought as an hour a week for a year (£ per hour-per-week
a year), in the instance's own prices as `--set` takes them."""
SOURCE = "assumption: the providers' requested uplift to £21.15 an hour, × 52 weeks"


def main(out: Path) -> None:
    instance = optimiser.load(INSTANCE)
    today = optimiser.solve(instance)

    # How far can the home-care price rise before today's plan stops being the best one?
    ranging = today.ranging.set_index("parameter")
    price = ranging.loc["price_capacity[home_care]"]
    print(price["meaning"])

    uplift = optimiser.solve(instance, [f"services[home_care].price_capacity={NEW_FEE:.2f}"],
                             source=SOURCE)
    table = optimiser.compare({"today's fees": today, "£21.15 an hour": uplift})
    extra = table["total_cost"].iloc[1] - table["total_cost"].iloc[0]
    after = table["end_of_horizon"].iloc[1] - table["end_of_horizon"].iloc[0]
    print(f"The uplift costs £{extra:,.0f} more over {len(instance.years)} years "
          f"(discounted), £{extra / len(instance.years):,.0f} a year on average, and "
          f"£{after:,.0f} more for the care of the people still supported after them.")
    if NEW_FEE <= price["upper"]:
        print("The new fee is inside the range: the same capacity plan stays the best one.")
    else:
        print("The new fee is beyond the range: the best plan changes (see the summaries).")

    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "comparison.csv", index=False)
    for name, plan in (("today", today), ("uplift", uplift)):  # this script's own files
        plan.to_excel(out / f"{name}.xlsx", force=True)
        plan.report(out / f"{name}.md", force=True)
    print(f"Wrote the comparison, workbooks and summaries to {out}/.")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("output/fee-uplift"))
    main(parser.parse_args().out)
