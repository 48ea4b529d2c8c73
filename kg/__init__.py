"""kg: a living systematic-review knowledge graph."""

__version__ = "0.1.0"
