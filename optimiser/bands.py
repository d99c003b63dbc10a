"""Need bands (MODEL.md 8): a cohort split by level of need becomes one group of people per
band, and its pathways one per band they are open to.

The model indexes people by *need group*: a cohort without bands is one group, named as the
cohort (so an instance without bands gives exactly the rows it always did); a cohort with
bands is one group per band, named ``cohort/band``. A pathway open to one band keeps its
name; a pathway open to every band of a banded cohort becomes one pathway per band, named
``pathway/band``, each with its band's destinations (``enters[p,b,s]``, ``package[p,b,s]``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from models import Instance


@dataclass(frozen=True)
class Group:
    """The people of one cohort in one need band (the whole cohort where it has no bands)."""

    name: str
    cohort: str
    band: str | None
    share: float
    """Share of the cohort's rows that name no band which falls in this group."""
    label: str


@dataclass(frozen=True)
class BandedPathway:
    """A pathway as the model routes people along it: for one need group."""

    name: str
    pathway: str
    """The instance's pathway it comes from."""
    group: str
    band: str | None
    label: str


def _label(name: str, label: str) -> str:
    return label or name.replace("_", " ")


def band_words(name: str, label: str) -> str:
    """A need band in a group's label: 'low need' from the band 'low' or the label 'Low
    need' alike."""
    words = _label(name, label)
    words = words[:1].lower() + words[1:]
    return words if words.endswith("need") else f"{words} need"


def need_groups(instance: Instance) -> list[Group]:
    """Every need group, cohort by cohort in the instance's order."""
    bands = defaultdict(list)
    for band in instance.bands:
        bands[band.cohort].append(band)
    groups = []
    for cohort in instance.cohorts:
        cohort_label = _label(cohort.name, cohort.label)
        if not bands[cohort.name]:
            groups.append(Group(cohort.name, cohort.name, None, 1.0, cohort_label))
        for band in bands[cohort.name]:
            groups.append(Group(f"{cohort.name}/{band.name}", cohort.name, band.name,
                                band.share.value,
                                f"{cohort_label} ({band_words(band.name, band.label)})"))
    return groups


def group_name(cohort: str, band: str | None) -> str:
    """The need group of a cohort's band (the cohort itself where it has no band)."""
    return cohort if band is None else f"{cohort}/{band}"


def groups_for(groups: list[Group], cohort: str, band: str | None) -> list[Group]:
    """The groups a row about a cohort applies to: its band's, or every band's when the row
    names none."""
    return [g for g in groups if g.cohort == cohort and (band is None or g.band == band)]


def banded_pathways(instance: Instance, groups: list[Group]) -> list[BandedPathway]:
    """Every pathway as routed: one per need group it is open to."""
    result = []
    for p in instance.pathways:
        label = _label(p.name, p.label)
        for g in groups_for(groups, p.cohort, p.band):
            split = g.band is not None and p.band is None
            result.append(BandedPathway(
                name=f"{p.name}/{g.band}" if split else p.name, pathway=p.name, group=g.name,
                band=g.band, label=f"{label} ({g.label})" if split else label))
    return result


def for_band(rows: list, band: str | None) -> list:
    """Of a pathway's (or setting's) rows, those that apply in a band: the band's own rows
    where it has any, otherwise the rows naming no band."""
    own = [r for r in rows if r.band is not None and r.band == band]
    return own or [r for r in rows if r.band is None]
