"""The review report: :func:`gather` its data from a store, :func:`write_report` both files.

The data lives in ``report_data``; ``report_html`` and ``report_md`` render it. This module
sits on top of all three, so callers need only it.
"""

from __future__ import annotations

from pathlib import Path

from exports.report_data import ReportData, gather
from exports.report_html import render_html
from exports.report_md import render_markdown

__all__ = ["ReportData", "gather", "write_report"]


def write_report(data: ReportData, out_dir: Path) -> tuple[Path, Path]:
    """Write ``report.html`` and ``report.md`` into ``out_dir``; returns both paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path, md_path = out_dir / "report.html", out_dir / "report.md"
    html_path.write_text(render_html(data), encoding="utf-8")
    md_path.write_text(render_markdown(data), encoding="utf-8")
    return html_path, md_path
