"""kg: a linked-data knowledge graph of research outputs and the evidence chains between them.

``kg.open(location)`` is the Python API (:class:`kg.graph.KnowledgeGraph`); see docs/python-api.md.

>>> import kg
>>> kg.open(None)
KnowledgeGraph(EmbeddedStore(None))
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from kg.version import __version__

if TYPE_CHECKING:
    from kg.graph import KnowledgeGraph, open

__all__ = ["KnowledgeGraph", "__version__", "open"]


def __getattr__(name: str) -> object:
    # kg.graph sits on top of every layer (loaders included, which import kg.ids): importing it here,
    # eagerly, would make `import loaders` circular and every `import kg.ids` load the whole stack
    if name in ("KnowledgeGraph", "open"):
        return getattr(import_module("kg.graph"), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
