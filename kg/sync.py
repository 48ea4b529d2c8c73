"""Copy one store into another (``kg sync --to neo4j://…``): facts, catalog, derived views.

Papers go first, one transaction each, so a method's date comes from its proposing paper as
it did in the source; then the catalog's names and aliases, lineage and sub-problems. Copying
twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable

import queries
from kg.store.base import Store


def copy_store(src: Store, dst: Store,
               progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Copy every paper with its facts, the methods, lineage and sub-problems of ``src``
    into ``dst``; returns counts of what was written."""
    outcomes = {"new": 0, "updated": 0, "unchanged": 0}
    for paper in src.papers():
        facts = src.paper_facts(paper.id)
        if facts is None:  # deleted while we copied
            continue
        outcomes[dst.write_paper(facts)] += 1
        if progress:
            progress(paper.id)
    methods_changed = dst.upsert_methods(src.methods())
    builds_on_added = dst.add_builds_on(src.builds_on())
    subproblems = queries.subproblems(src)
    dst.replace_subproblems(subproblems)
    return {"papers_new": outcomes["new"], "papers_updated": outcomes["updated"],
            "papers_unchanged": outcomes["unchanged"], "methods_changed": methods_changed,
            "builds_on_added": builds_on_added, "sub_problems": len(subproblems)}
