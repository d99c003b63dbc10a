"""The registry of constraint families and mutable parameters (optimiser/families.py) is
complete: every row and mutable figure the model declares is described there, with a test
that needs it, and the words of every row can be made."""

from __future__ import annotations

import dataclasses
import importlib

import pyomo.environ as pyo
import pytest

from optimiser.families import FAMILIES, GROUP_TITLES, PARAMETERS
from optimiser.model import build_model
from optimiser.prepare import Prepared, prepare
from tests.builders import build, worked_example


@pytest.fixture(scope="module")
def model() -> pyo.ConcreteModel:
    return build_model(prepare(build(worked_example())))


def test_every_declared_constraint_family_is_registered(model):
    """A Constraint the model declares without a registry entry fails here: add its entry
    to FAMILIES in optimiser/families.py."""
    declared = {c.local_name for c in model.component_objects(ctype=pyo.Constraint)}
    assert declared - set(FAMILIES) == set(), "constraint families missing from FAMILIES"
    assert set(FAMILIES) - declared == set(), "registered families the model does not declare"


def test_every_mutable_parameter_is_registered(model):
    """A mutable Param without a registry entry fails here: add it to PARAMETERS."""
    mutable = {p.local_name for p in model.component_objects(ctype=pyo.Param) if p.mutable}
    assert mutable == set(PARAMETERS)
    fields = {f.name for f in dataclasses.fields(Prepared)}
    data = prepare(build(worked_example()))
    for parameter in PARAMETERS.values():
        assert parameter.field in fields
        component = getattr(model, parameter.name)
        for key, value in parameter.values(data).items():
            assert pyo.value(component[key]) == value


@pytest.mark.parametrize("family", list(FAMILIES.values()), ids=list(FAMILIES))
def test_each_family_names_a_test_that_exists(family):
    path, _, test = family.tested_by.partition("::")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    assert callable(getattr(module, test, None)), family.tested_by
    assert family.meaning.endswith(".") and family.section
    assert (family.dual_unit is None) == (family.shadow_price is None)
    assert family.lever is None or family.lever.group in GROUP_TITLES


def test_every_row_of_every_family_can_be_put_in_words(model):
    """Each family's words accept its rows' indices (catches an entry whose words take the
    wrong index parts)."""
    for name, family in FAMILIES.items():
        for index in getattr(model, name):
            parts = index if isinstance(index, tuple) else (index,)
            assert family.limit(model.data, *parts)
            if family.shadow_price is not None:
                assert family.shadow_price(model.data, *parts)
                assert set(family.spread(parts)) == {"locality", "item", "year"}
