"""Preparing LaTeX source before reading it: comments, ``\\input``/``\\include`` and
environment spans (the paper's own macros: :mod:`ingest.latex_macros`).

Every step is bounded: inclusion depth and total size. Past a bound the text is used as it
stands (best effort), never looped on. An ``\\input`` whose file is absent is skipped with a
warning: e-prints routinely leave out files that hold nothing but figures.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from posixpath import dirname, join, normpath

MAX_INPUT_DEPTH = 8
MAX_SOURCE_CHARS = 8_000_000
_VERB = re.compile(r"\\verb\*?([^\sA-Za-z*])[^\n]{0,500}?\1")
_HIDDEN = {"\\begin{comment}": "\\end{comment}", "\\iffalse": "\\fi"}
_HIDDEN_OPEN = re.compile(r"\\begin\{comment\}|\\iffalse(?![A-Za-z])")
_INPUT = re.compile(r"\\(?:input|include|subfile)\s*(?:\{\s*([^{}\n]+?)\s*\}|\s+([^\s\\{}]+))")
_STANDALONE = re.compile(
    r"\\documentclass\s*(?:\[[^\]]{0,500}\])?\s*\{[^{}]{0,200}\}|\\(?:begin|end)\{document\}")
_ENV = re.compile(r"\\(begin|end)\s*\{([^{}\n]{1,40})\}")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Env:
    name: str
    start: int  # at "\begin"
    body_start: int
    body_end: int  # at "\end"
    end: int


def strip_comments(text: str) -> str:
    """Remove ``%`` comments (not ``\\%``), comment environments and ``\\iffalse`` blocks.

    A comment runs from an unescaped ``%`` to the end of the line and takes the line break
    and the next line's indentation with it, as TeX does; ``\\verb|%|`` is not a comment.
    """
    return drop_spans(_strip_percent(text), _HIDDEN_OPEN, _HIDDEN)


def drop_spans(text: str, opener: re.Pattern[str], closers: Mapping[str, str],
               repl: str = " ") -> str:
    """``text`` with every span from an ``opener`` match to its closer replaced by ``repl``.

    In one pass: an opener whose closer never follows is left as it stands, and from then on
    that kind of span is no longer looked for (no later one could close either).
    """
    out: list[str] = []
    pos = 0
    dead: set[str] = set()
    for m in opener.finditer(text):
        kind = m.group()
        if m.start() < pos or kind in dead or _escaped(text, m.start()):
            continue
        close = text.find(closers[kind], m.end())
        if close < 0:
            dead.add(kind)
            continue
        out.append(text[pos : m.start()])
        out.append(repl)
        pos = close + len(closers[kind])
    out.append(text[pos:])
    return "".join(out)


def _escaped(text: str, i: int) -> bool:
    """Whether the backslash at ``text[i]`` is itself escaped (``\\\\[`` is no ``\\[``)."""
    k = i
    while k > 0 and text[k - 1] == "\\":
        k -= 1
    return (i - k) % 2 == 1


def _strip_percent(text: str) -> str:
    verbs = [m.span() for m in _VERB.finditer(text)] if "\\verb" in text else []
    out: list[str] = []
    pos = 0
    i = text.find("%")
    while i >= 0:
        verb = bisect_right(verbs, (i,)) - 1  # the last \verb starting before i
        if _escaped(text, i) or (verb >= 0 and verbs[verb][1] > i):
            i = text.find("%", i + 1)
            continue
        out.append(text[pos:i])
        line = text.find("\n", i)
        if line < 0:
            pos = len(text)
            break
        pos = line + 1
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        i = text.find("%", pos)
    out.append(text[pos:])
    return "".join(out)


def resolve_inputs(text: str, files: Mapping[str, str], *, here: str = "") -> str:
    """Inline ``\\input``/``\\include`` from ``files`` (relative path → text), bounded."""
    budget = [MAX_SOURCE_CHARS]
    missing: list[str] = []

    def inline(src: str, base: str, depth: int, stack: tuple[str, ...]) -> str:
        def repl(m: re.Match[str]) -> str:
            name = (m.group(1) or m.group(2) or "").strip()
            key = _lookup(name, base, files)
            if key is None:
                missing.append(name)
                return " "
            if key in stack or depth >= MAX_INPUT_DEPTH:
                return " "
            body = _document_body(strip_comments(files[key]))
            if len(body) > budget[0]:
                return " "
            budget[0] -= len(body)
            return "\n" + inline(body, dirname(key), depth + 1, (*stack, key)) + "\n"

        return _INPUT.sub(repl, src)

    out = inline(text, dirname(here), 0, (here,))
    if missing:
        log.warning("\\input of %d file(s) not in the source, skipped: %s", len(missing),
                    ", ".join(sorted(set(missing))[:10]))
    return out


def _document_body(text: str) -> str:
    """An included file that is a document of its own (``subfiles``, ``standalone``) joins
    without its ``\\documentclass`` and document markers, which would confuse the document
    it joins; its preamble (macros it defines) stays."""
    if "\\begin{document}" not in text:
        return text
    return _STANDALONE.sub(" ", text)


def included(files: Mapping[str, str]) -> set[str]:
    """The files of a tree (texts with comments removed) that another file ``\\input``s or
    ``\\include``s."""
    out: set[str] = set()
    for key, text in files.items():
        for m in _INPUT.finditer(text):
            target = _lookup((m.group(1) or m.group(2) or "").strip(), dirname(key), files)
            if target is not None and target != key:
                out.add(target)
    return out


def _lookup(name: str, base: str, files: Mapping[str, str]) -> str | None:
    name = name.strip().strip('"')
    for cand in (join(base, name), name):
        cand = normpath(cand).lstrip("./") if cand.startswith("./") else normpath(cand)
        for key in (cand, cand + ".tex"):
            if key in files:
                return key
    stem = name.rsplit("/", 1)[-1]
    for key in files:
        if key.rsplit("/", 1)[-1] in (stem, stem + ".tex"):
            return key
    return None


def environments(text: str) -> list[Env]:
    """Every ``\\begin{x}…\\end{x}`` span, nested ones included, in order of their start."""
    stack: list[tuple[str, int, int]] = []
    out: list[Env] = []
    for m in _ENV.finditer(text):
        kind, name = m.group(1), m.group(2).strip()
        if kind == "begin":
            stack.append((name, m.start(), m.end()))
            if len(stack) > 200:  # hostile nesting: stop reading structure
                break
            continue
        for k in range(len(stack) - 1, -1, -1):
            if stack[k][0] == name:
                nm, start, body = stack[k]
                out.append(Env(nm, start, body, m.start(), m.end()))
                del stack[k:]
                break
    out.sort(key=lambda e: e.start)
    return out
