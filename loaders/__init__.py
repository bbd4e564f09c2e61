"""The loaders, one module per source, and the registry that the CLI, docs and tests derive from.

>>> sorted(REGISTRY)[:3]
['crossref', 'crossref-datacitations', 'crossref-funders']
>>> get_loader("crossref").name
'crossref'
"""

from __future__ import annotations

from kg.errors import UnknownSourceError
from loaders.base import Loader
from loaders.crossref import CrossrefLoader
from loaders.crossref_funders import CrossrefFundersLoader
from loaders.datacitations import DataCitationsLoader
from loaders.datacite import DataciteLoader
from loaders.datacite_events import DataciteEventsLoader
from loaders.doi_ra import DoiRaLoader
from loaders.eventdata import EventDataLoader
from loaders.opencitations import OpenCitationsLoader
from loaders.pdbe import PdbeLoader
from loaders.ror import RorLoader
from loaders.scholix import ScholixLoader
from loaders.zenodo import ZenodoLoader

#: source name -> loader class
REGISTRY: dict[str, type[Loader]] = {cls.name: cls for cls in (
    CrossrefLoader,
    DataciteLoader,
    ZenodoLoader,
    PdbeLoader,
    ScholixLoader,
    OpenCitationsLoader,
    DataCitationsLoader,
    EventDataLoader,
    DataciteEventsLoader,
    RorLoader,
    DoiRaLoader,
    CrossrefFundersLoader,
)}


def get_loader(name: str) -> type[Loader]:
    """The loader registered under ``name``; an unknown name lists the valid ones."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise UnknownSourceError(name, sorted(REGISTRY)) from None
