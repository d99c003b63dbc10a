"""Names and labels that are safe to write anywhere: a spreadsheet cell, a Markdown table, a
CSV file.

A locality named ``=HYPERLINK("http://...")`` would be a live formula in ``plan.xlsx`` (and in
any CSV opened in Excel), and a name holding ``|`` or a line break would break the summary's
Markdown tables. Rather than escape them differently in every writer, such names are refused
when the instance is validated: a name or label may not start with ``=``, ``+``, ``-`` or
``@`` (what spreadsheets read as the start of a formula), nor hold ``|``, a line break, a tab
or any other control character. "65+", "Home care - hours" and "Stoke-on-Trent" are fine."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

FORMULA_START = ("=", "+", "-", "@")
_UNSAFE = re.compile(r"[|\x00-\x1f\x7f]")


def check_name(text: str) -> str:
    """Refuse text a spreadsheet would run as a formula or that breaks a Markdown table."""
    if text.startswith(FORMULA_START):
        raise ValueError(f"found {text!r}; expected a name that does not start with "
                         f"{' '.join(FORMULA_START)} (a spreadsheet would run it as a formula)")
    if _UNSAFE.search(text):
        raise ValueError(f"found {text!r}; expected a name without | or line breaks, tabs and "
                         "other control characters (they would break the summary's tables)")
    return text


SafeText = Annotated[str, AfterValidator(check_name)]
"""A name or label that is safe in every output."""
