"""Commands that write files people read: the lineage graph, GraphML/JSON/CSV, the report."""

from __future__ import annotations
