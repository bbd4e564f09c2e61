"""kg: a linked-data knowledge graph of research outputs and the evidence chains between them."""

__version__ = "0.1.0"
