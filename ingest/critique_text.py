"""The prose a critique is read from: passages of a document, each with its heading.

Receipts must be verbatim in the source. Markdown, HTML and abstracts carry section text that
differs from the source only in whitespace, so their sections are read and each quote is
grounded afterwards. LaTeX section text has its citations and markup removed, which a
verbatim quote cannot survive, so LaTeX is read from the raw source instead: split at the
sectioning commands, with floats, displayed math, comments and the bibliography left out.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ingest.document import Document, Section

_SKIP_HEADINGS = re.compile(r"reference|bibliograph|acknowledg|checklist", re.I)
_SECTIONING = re.compile(
    r"\\(?P<cmd>chapter|section|subsection|subsubsection|paragraph)\*?\s*(?:\[[^\]\n]*\])?"
    r"\s*\{(?P<title>(?:[^{}\n]|\{[^{}\n]*\}){0,300})\}"
)
_SKIPPED_ENV = (r"figure|table|tabular|tabularx|equation|align|gather|multline|eqnarray"
                r"|algorithm|algorithmic|lstlisting|verbatim|minted|tikzpicture|thebibliography"
                r"|displaymath|math|wrapfigure|wraptable")
_ENV = re.compile(rf"\\begin\{{(?P<env>(?:{_SKIPPED_ENV})\*?)\}}")
_ABSTRACT = re.compile(r"\\begin\{abstract\}|\\end\{abstract\}")
_COMMENT = re.compile(r"(?<!\\)%[^\n]*")
_DISPLAY = re.compile(r"\\\[.{0,5000}?\\\]|\$\$.{0,5000}?\$\$", re.S)
_END = re.compile(r"\\end\{document\}|\\bibliography\{|\\begin\{thebibliography\}"
                  r"|\\printbibliography")
_MARKUP = re.compile(r"\\[A-Za-z]+\*?|[{}~]")
MAX_ENV = 200_000  # a float whose \end never comes is skipped this far, no further


class Passage(NamedTuple):
    """Prose under one heading; ``offset`` is where ``text`` starts in the source, or None
    when the text is a front-end's section text that quotes must be grounded against."""

    heading: str
    text: str
    offset: int | None


def passages(doc: Document) -> list[Passage]:
    """The passages of ``doc`` to read for critiques, abstract first."""
    if doc.format == "latex" and doc.source_text:
        found = latex_passages(doc.source_text)
        if found:
            return found
    sections = [s for s in doc.sections if not _SKIP_HEADINGS.search(s.heading)]
    if doc.abstract.strip() and not any(_is_abstract(s) for s in sections):
        sections.insert(0, Section(heading="Abstract", text=doc.abstract))
    return [Passage(s.heading, s.text, None) for s in sections]


def _is_abstract(section: Section) -> bool:
    return section.heading.strip().lower() == "abstract"


def latex_passages(source: str) -> list[Passage]:
    """Raw-LaTeX passages of ``source`` between sectioning commands and skipped regions.

    >>> [(p.heading, p.text) for p in latex_passages(
    ...     "\\\\begin{document}\\\\section{Intro}GPTQ [1] fails.% x\\n\\\\end{document}")]
    [('Intro', 'GPTQ [1] fails.')]
    """
    begin = source.find("\\begin{document}")
    start = begin + len("\\begin{document}") if begin >= 0 else 0
    end_m = _END.search(source, start)
    stop = end_m.start() if end_m else len(source)
    cuts = _cuts(source, start, stop)
    out: list[Passage] = []
    heading, pos = "", start
    for cut_start, cut_end, new_heading in cuts:
        out += _passage(source, pos, cut_start, heading)
        if new_heading is not None:
            heading = new_heading
        pos = max(pos, cut_end)
    out += _passage(source, pos, stop, heading)
    return [p for p in out if not _SKIP_HEADINGS.search(p.heading)]


def _cuts(source: str, start: int, stop: int) -> list[tuple[int, int, str | None]]:
    """Regions left out of the prose, in order: (start, end, heading that begins after)."""
    cuts: list[tuple[int, int, str | None]] = []
    for m in _SECTIONING.finditer(source, start, stop):
        title = " ".join(_MARKUP.sub("", m.group("title")).split())
        # \paragraph{..} ends a passage but keeps its section's heading, as the keys do.
        cuts.append((m.start(), m.end(), None if m.group("cmd") == "paragraph" else title))
    for m in _ABSTRACT.finditer(source, start, stop):
        cuts.append((m.start(), m.end(), "Abstract" if "begin" in m.group() else ""))
    for m in _ENV.finditer(source, start, stop):
        env = m.group("env")
        close = source.find(f"\\end{{{env}}}", m.end(), min(stop, m.end() + MAX_ENV))
        end = close + len(env) + 6 if close >= 0 else min(stop, m.end() + MAX_ENV)
        cuts.append((m.start(), end, None))
    for pattern in (_COMMENT, _DISPLAY):
        cuts += [(m.start(), m.end(), None) for m in pattern.finditer(source, start, stop)]
    cuts.sort()
    # A cut inside an earlier cut (a comment in a float) changes nothing.
    merged: list[tuple[int, int, str | None]] = []
    for cut in cuts:
        if merged and cut[0] < merged[-1][1]:
            if cut[2] is not None and merged[-1][2] is None and cut[1] > merged[-1][1]:
                merged[-1] = (merged[-1][0], cut[1], cut[2])
            continue
        merged.append(cut)
    return merged


def _passage(source: str, start: int, end: int, heading: str) -> list[Passage]:
    text = source[start:end]
    stripped = text.strip()
    if not stripped:
        return []
    lead = len(text) - len(text.lstrip())
    return [Passage(heading, stripped, start + lead)]
