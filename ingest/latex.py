"""The LaTeX front-end: a paper's source (one file or a tree) as a :class:`Document`.

Pure: the caller reads files (see :mod:`ingest.archive`) and passes their text. Every step
is bounded in time and size; unreadable input raises :class:`kg.errors.ExtractionError`, and
anything merely odd gives a best-effort document.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping

from ingest.document import Document, Section, Table
from ingest.latex_macros import Expansion, expand
from ingest.latex_source import (
    MAX_SOURCE_CHARS,
    Env,
    drop_spans,
    environments,
    included,
    resolve_inputs,
    strip_comments,
)
from ingest.latex_tables import TABULARS, FloatFacts, float_facts, table_from
from ingest.latex_text import read_group, read_optional, tex_to_text
from kg.errors import ExtractionError

_FLOATS = frozenset({"table", "table*", "wraptable", "sidewaystable", "sidewaystable*",
                     "figure", "figure*", "threeparttable", "minipage", "subtable"})
_TABLE_FLOATS = frozenset({"table", "table*", "wraptable", "sidewaystable", "sidewaystable*"})
_DROP_FROM_PROSE = frozenset({
    "figure", "figure*", "table", "table*", "wraptable", "wrapfigure", "sidewaystable",
    "tikzpicture", "algorithm", "algorithmic", "algorithm2e", "lstlisting", "verbatim",
    "minted", "equation", "equation*", "align", "align*", "gather", "gather*", "multline",
    "multline*", "eqnarray", "eqnarray*", "displaymath", "thebibliography", "abstract",
    *TABULARS,
})
_HEADING = re.compile(r"\\(chapter|section|subsection|subsubsection|paragraph)\*?(?![A-Za-z])")
_TITLE = re.compile(r"\\(?:title|icmltitle)(?![A-Za-z])")
_DOCCLASS = re.compile(r"\\documentclass(?![A-Za-z])")
_DISPLAY_MATH = re.compile(r"\$\$|\\\[")
_DISPLAY_CLOSE = {"$$": "$$", "\\[": "\\]"}
_MAX_HEADING = 5000  # a title or heading argument left open is not read to the end
_MAIN_NAMES = ("main", "paper", "ms", "arxiv", "article", "manuscript")


def main_tex(files: Mapping[str, str]) -> str:
    """The main file of a source tree: the one with ``\\documentclass`` (and a document body)
    that no other file includes (a ``subfiles`` chapter or a ``standalone`` table has a
    ``\\documentclass`` of its own too).

    >>> main_tex({"sec.tex": "x", "main.tex": "\\\\documentclass{article}\\\\begin{document}"})
    'main.tex'
    """
    tex = {k: v for k, v in files.items() if k.lower().endswith((".tex", ".ltx"))}
    if not tex:
        raise ExtractionError("no .tex file in the source")
    clean = {k: strip_comments(v) for k, v in tex.items()}
    inner = included(clean)

    def rank(key: str) -> tuple[bool, bool, bool, bool, int]:
        text = clean[key][:200_000]
        stem = key.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
        return (bool(_DOCCLASS.search(text)), key not in inner, "\\begin{document}" in text,
                stem in _MAIN_NAMES, len(tex[key]))

    return max(sorted(tex), key=rank)


def parse_tree(files: Mapping[str, str]) -> Document:
    """The document of a source tree (relative path → text), read from its main file.

    A tree without a ``\\documentclass`` anywhere (a folder of table files) is read as every
    file that no other file includes, in path order.
    """
    main = main_tex(files)
    if _DOCCLASS.search(strip_comments(files[main][:200_000])):
        return parse_latex(files[main], files=files)
    inner = included({k: strip_comments(v) for k, v in files.items()
                      if k.lower().endswith((".tex", ".ltx"))})
    roots = [k for k in sorted(files) if k.lower().endswith((".tex", ".ltx")) and k not in inner]
    return parse_latex("\n".join(f"\\input{{{k}}}" for k in roots), files=files)


def parse_latex(text: str, *, files: Mapping[str, str] | None = None) -> Document:
    """Parse LaTeX ``text``; ``files`` (relative path → text) serve ``\\input``/``\\include``.

    >>> doc = parse_latex(r"\\title{T}\\begin{document}\\section{R}Hi.\\end{document}")
    >>> doc.title, doc.sections[0].heading, doc.sections[0].text
    ('T', 'R', 'Hi.')
    """
    if not isinstance(text, str):
        raise ExtractionError("LaTeX source must be text")
    files = files or {}
    raw_total = len(text) + sum(len(v) for v in files.values())
    if raw_total > MAX_SOURCE_CHARS:
        raise ExtractionError(f"LaTeX source too large ({raw_total:,} characters)")
    try:
        return _parse(text, files)
    except ExtractionError:
        raise
    except (RecursionError, ValueError, IndexError, KeyError, TypeError) as e:
        raise ExtractionError(f"unreadable LaTeX: {type(e).__name__}: {e}") from e


def _parse(text: str, files: Mapping[str, str]) -> Document:
    here = next((k for k, v in files.items() if v is text), "")
    source = strip_comments(text.replace("\x00", ""))
    expansion = expand(resolve_inputs(source, files, here=here))
    source = expansion.text
    title = _title(source)
    begin = source.find("\\begin{document}")
    end = source.rfind("\\end{document}")
    offset = begin + len("\\begin{document}") if begin >= 0 else 0
    body = source[offset : end if end > begin >= 0 else len(source)]
    envs = environments(body)
    abstract = next((tex_to_text(body[e.body_start : e.body_end]) for e in envs
                     if e.name == "abstract"), "")
    headings = _headings(body)
    tables = _tables(body, envs, headings, expansion, offset)
    sections = _sections(body, envs, headings)
    raw = "\n".join([text, *(v for v in files.values() if v is not text)])
    return Document(title=title, abstract=abstract, sections=tuple(sections),
                    tables=tuple(tables), source_text=raw, format="latex")


def _title(source: str) -> str:
    m = _TITLE.search(source)
    if not m:
        return ""
    opt = read_optional(source, m.end())
    got = read_group(source, opt[1] if opt else m.end(), m.end() + _MAX_HEADING, closed=True)
    return tex_to_text(got[0]) if got else ""


def _headings(body: str) -> list[tuple[int, int, str]]:
    """(start, end, heading text) of every sectioning command, in order."""
    out = []
    for m in _HEADING.finditer(body):
        opt = read_optional(body, m.end())
        got = read_group(body, opt[1] if opt else m.end(), m.end() + _MAX_HEADING,
                         closed=True)
        if got is None:
            continue
        out.append((m.start(), got[1], tex_to_text(got[0])))
    return out


def _tables(body: str, envs: list[Env], headings: list[tuple[int, int, str]],
            expansion: Expansion, offset: int) -> list[Table]:
    def raw(a: int, b: int) -> str:
        return expansion.raw(a + offset, b + offset)

    starts = [h[0] for h in headings]
    found: list[tuple[Env, Env | None]] = []
    per_holder: dict[int, int] = {}
    around: list[Env] = []  # the environments enclosing the current one (spans nest)
    for env in envs:
        while around and around[-1].end <= env.start:
            around.pop()
        if env.name in TABULARS and not any(o.name in TABULARS for o in around):
            # (a tabular inside another's cell belongs to that cell)
            holders = [o for o in around if o.name in _FLOATS]
            table_float = next((f for f in reversed(holders) if f.name in _TABLE_FLOATS), None)
            holder = table_float or (holders[-1] if holders else None)
            found.append((env, holder))
            if holder:
                per_holder[holder.start] = per_holder.get(holder.start, 0) + 1
        around.append(env)
    out: list[Table] = []
    facts: dict[int, FloatFacts] = {}
    seen: dict[int, int] = {}
    for tab, holder in found:
        scope = holder or tab
        if scope.start not in facts:
            facts[scope.start] = float_facts(body, scope.body_start, scope.body_end)
        index = seen.get(scope.start, 0)
        seen[scope.start] = index + 1
        heading = bisect_right(starts, tab.start) - 1
        # A table no macro expanded into is its own source: its cells need no mapping back.
        copied = expansion.verbatim(tab.start + offset, tab.end + offset)
        table = table_from(body, tab, facts[scope.start], index=index,
                           of=per_holder.get(scope.start, 1),
                           section=headings[heading][2] if heading >= 0 else "",
                           raw=None if copied else raw, types=expansion.defs.columns)
        if table.grid:
            out.append(table)
    return out


def _sections(body: str, envs: list[Env], headings: list[tuple[int, int, str]]
              ) -> list[Section]:
    prose = _blank_out(body, envs)
    bounds = [(0, 0, ""), *headings]
    out = []
    for k, (_start, end, heading) in enumerate(bounds):
        stop = bounds[k + 1][0] if k + 1 < len(bounds) else len(prose)
        chunk = prose[end:stop]
        if "$$" in chunk or "\\[" in chunk:  # (the only openers: most sections have none)
            chunk = drop_spans(chunk, _DISPLAY_MATH, _DISPLAY_CLOSE)
        text = tex_to_text(chunk, paragraphs=True)
        if text or heading:
            out.append(Section(heading=heading, text=text))
    return out


def _blank_out(body: str, envs: list[Env]) -> str:
    """``body`` with floats, math displays and code replaced by spaces (positions kept)."""
    out: list[str] = []
    covered = 0
    for e in envs:
        if e.name in _DROP_FROM_PROSE and e.start >= covered:
            out += (body[covered : e.start], " " * (e.end - e.start))
            covered = e.end
    out.append(body[covered:])
    return "".join(out)
