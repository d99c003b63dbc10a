"""Pydantic data models of the commissioning problem. They know nothing of Pyomo, so a
notebook or a web page can use them alone."""

from models.appraisal import Appraisal, Option, OptionError, apply_option
from models.instance import (
    TABLES,
    Band,
    BandSuitability,
    Budget,
    Capacity0,
    Caseload0,
    Cohort,
    ContractDesign,
    Demand,
    Destination,
    Deterioration,
    HireLimit,
    Indicator,
    Instance,
    Leave,
    Locality,
    Move,
    OutcomePrice,
    Pathway,
    PathwayOutcome,
    Role,
    Row,
    Service,
    Settings,
    Staffing,
    Stage,
    Target,
    Workforce,
)
from models.references import Problem, ReferenceErrors
from models.sourced import Amount, Factor, Growth, Share, Sourced, Weeks, cited_lines

__all__ = [
    "TABLES", "Amount", "Appraisal", "Band", "BandSuitability", "Budget", "Capacity0",
    "Caseload0", "Cohort",
    "ContractDesign", "Option", "OptionError", "apply_option",
    "Demand", "Destination", "Deterioration", "HireLimit", "Factor", "Growth", "Indicator",
    "Instance", "Leave", "Locality",
    "Move", "OutcomePrice", "Pathway", "PathwayOutcome", "Problem", "ReferenceErrors", "Role",
    "Row", "Service", "Settings", "Share", "Sourced", "Stage", "Staffing", "Target", "Weeks",
    "Workforce", "cited_lines",
]
