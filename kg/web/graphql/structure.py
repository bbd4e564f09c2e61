"""Structure facts of a PDB entry (from PDBe's records): method, resolution, where it was measured,
its raw data and the publications reporting it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry
from pyoxigraph import NamedNode

from kg import ids
from kg.batches import WorkRecord
from kg.vocab import KG

if TYPE_CHECKING:
    from kg.web.graphql.work import Link, Work

LazyWork = Annotated["Work", strawberry.lazy("kg.web.graphql.work")]
LazyLink = Annotated["Link", strawberry.lazy("kg.web.graphql.work")]


@strawberry.type(description="A facility (synchrotron), a beamline or an instrument.")
class Place:
    id: strawberry.ID
    name: str | None


def _place(record: WorkRecord, prop: NamedNode) -> Place | None:
    iri = record.first(prop)
    return None if iri is None else Place(id=strawberry.ID(iri), name=record.labels.get(iri))


@strawberry.type(description="What PDBe says about how a structure entry was determined.")
class Structure:
    pdb_id: str | None
    methods: list[str] = strawberry.field(description='Experimental methods, e.g. "X-ray diffraction".')
    resolution: float | None = strawberry.field(description="In Ångström.")
    deposition_date: str | None
    facility: Place | None
    beamline: Place | None = strawberry.field(description="The beamline or instrument (an electron microscope).")
    raw_data: list[LazyLink] = strawberry.field(description="The raw data the entry was derived from.")
    primary_publications: list[LazyWork] = strawberry.field(description="The articles the entry supplements.")
    em_maps: list[LazyLink] = strawberry.field(description=(
        "The EMDB maps a cryo-EM model was built into (derived from them too): processed maps, not raw data."))

    @classmethod
    def from_domain(cls, record: WorkRecord, derived: list[Link], papers: list[Work]) -> Structure:
        """``derived``: what the entry was derived from, its EMDB maps put apart from its raw data."""
        resolution = record.first(KG.resolution)
        def is_map(d: Link) -> bool:
            return d.node.record.iri.startswith(ids.EMDB_BASE)
        return cls(pdb_id=record.first(KG.pdbId), methods=list(record.values(KG.experimentalMethod)),
                   resolution=float(resolution) if resolution else None,
                   deposition_date=record.first(KG.depositionDate), facility=_place(record, KG.facility),
                   beamline=_place(record, KG.instrument), raw_data=[d for d in derived if not is_map(d)],
                   primary_publications=papers, em_maps=[d for d in derived if is_map(d)])
