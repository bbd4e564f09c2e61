"""How fresh the graph is: each source's last sync, its watermark and lag, and the graph's as-of
date (the newest watermark), which every answer carries.

>>> from kg.store import Store
>>> freshness(Store.open(None)).as_dict()
{'graphAsOf': None, 'sources': []}
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from kg.store import Store
from loaders.syncstate import SyncState, read_states


@dataclass(frozen=True)
class SourceSync:
    """Where the sync of one source and scope stands."""

    source: str
    scope: str
    #: the source's changes up to this time are in the graph (None: never synced to the end)
    watermark: datetime | None
    #: when the last complete sync finished
    last_sync: datetime | None
    #: seconds from the watermark to now: how far the graph may be behind the source
    lag_s: float | None
    #: a window is unfinished (a sync is running, or died and will go on where it stopped)
    in_progress: bool
    #: the dump version loaded last (sources synced by dump: ROR, OpenCitations), else None
    version: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"source": self.source, "scope": self.scope,
                "watermark": self.watermark.isoformat() if self.watermark else None,
                "lastSync": self.last_sync.isoformat() if self.last_sync else None,
                "lagSeconds": None if self.lag_s is None else round(self.lag_s),
                "inProgress": self.in_progress, **({"version": self.version} if self.version else {})}


@dataclass(frozen=True)
class Freshness:
    """Every source's sync, and the graph's as-of date."""

    sources: list[SourceSync]
    #: the newest watermark of any source: what the graph's answers are "as of"; None before any sync
    as_of: datetime | None

    def as_dict(self) -> dict[str, object]:
        return {"graphAsOf": self.as_of.isoformat() if self.as_of else None,
                "sources": [s.as_dict() for s in self.sources]}


def freshness(store: Store, now: datetime | None = None, states: list[SyncState] | None = None) -> Freshness:
    """Each source's sync state and lag at ``now``, read from the meta graph in one small query (or from
    ``states``, read before)."""
    now = now or datetime.now(UTC)
    sources = [SourceSync(s.source, s.scope, s.watermark, s.last_sync,
                          None if s.watermark is None else (now - s.watermark).total_seconds(), s.in_progress,
                          s.version)
               for s in (read_states(store) if states is None else states)]
    marks = [s.watermark for s in sources if s.watermark is not None]
    return Freshness(sources, max(marks) if marks else None)
