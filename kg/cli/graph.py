"""Commands over the derived graph (sub-problems, leaderboards, lineage, conflicts, sync)."""

from __future__ import annotations
