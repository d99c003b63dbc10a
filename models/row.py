"""The base of every instance table's rows."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Row(BaseModel):
    """A row of an instance table: strict, immutable. Field docstrings become descriptions,
    so a workbook's README sheet can explain each column."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)
