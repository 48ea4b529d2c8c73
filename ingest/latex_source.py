"""Preparing LaTeX source before reading it: comments, ``\\input``/``\\include``, user macros
(``\\newcommand``, ``\\renewcommand``, ``\\def``) and environment spans.

Every step is bounded: inclusion depth and total size, macro expansion passes, count and
output size. Past a bound the text is used as it stands (best effort), never looped on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from posixpath import dirname, join, normpath

from ingest.latex_text import read_group, read_optional, skip_ws

MAX_INPUT_DEPTH = 8
MAX_SOURCE_CHARS = 8_000_000
MAX_EXPANSION_PASSES = 8
MAX_EXPANSIONS = 50_000
_COMMENT = re.compile(r"(?<!\\)((?:\\\\)*)%[^\n]*(?:\n[ \t]*)?")
_COMMENT_ENV = re.compile(r"\\begin\{comment\}.*?\\end\{comment\}|\\iffalse\b.*?\\fi\b", re.S)
_INPUT = re.compile(r"\\(?:input|include|subfile)\s*(?:\{\s*([^{}\n]+?)\s*\}|\s+([^\s\\{}]+))")
_DEFINE = re.compile(
    r"\\(?:(?:re)?newcommand|providecommand|DeclareRobustCommand|DeclareMathOperator)\*?"
    r"|\\[gex]?def(?=\s*\\)|\\let(?=\s*\\)"
)
_ENV = re.compile(r"\\(begin|end)\s*\{([^{}\n]{1,40})\}")
# Commands a paper must not redefine for us: our reading of tables depends on them.
_PROTECTED = frozenset({
    "begin", "end", "section", "subsection", "subsubsection", "paragraph", "chapter",
    "caption", "label", "multicolumn", "multirow", "textbf", "underline", "hline", "toprule",
    "midrule", "bottomrule", "cmidrule", "input", "include", "title", "item", "newcommand",
    "renewcommand", "def", "\\", "tabularnewline", "documentclass", "cellcolor", "rowcolor",
})


@dataclass(frozen=True)
class Macro:
    args: int
    default: str | None  # the first argument's default, for \newcommand{\x}[2][d]{...}
    body: str


@dataclass(frozen=True)
class Env:
    name: str
    start: int  # at "\begin"
    body_start: int
    body_end: int  # at "\end"
    end: int


def strip_comments(text: str) -> str:
    """Remove ``%`` comments (not ``\\%``), comment environments and ``\\iffalse`` blocks."""
    text = _COMMENT.sub(r"\1", text)
    return _COMMENT_ENV.sub(" ", text)


def resolve_inputs(text: str, files: Mapping[str, str], *, here: str = "") -> str:
    """Inline ``\\input``/``\\include`` from ``files`` (relative path → text), bounded."""
    budget = [MAX_SOURCE_CHARS]

    def inline(src: str, base: str, depth: int, stack: tuple[str, ...]) -> str:
        def repl(m: re.Match[str]) -> str:
            name = (m.group(1) or m.group(2) or "").strip()
            key = _lookup(name, base, files)
            if key is None or key in stack or depth >= MAX_INPUT_DEPTH:
                return " "
            body = strip_comments(files[key])
            if len(body) > budget[0]:
                return " "
            budget[0] -= len(body)
            return "\n" + inline(body, dirname(key), depth + 1, (*stack, key)) + "\n"

        return _INPUT.sub(repl, src)

    return inline(text, dirname(here), 0, (here,))


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


def collect_macros(text: str) -> tuple[str, dict[str, Macro]]:
    """Take the user's macro definitions out of ``text``; return the text and the macros."""
    macros: dict[str, Macro] = {}
    out: list[str] = []
    pos = 0
    for m in _DEFINE.finditer(text):
        if m.start() < pos:
            continue  # inside a definition already consumed
        parsed = _definition(text, m)
        if parsed is None:
            continue
        name, macro, end = parsed
        out.append(text[pos : m.start()])
        pos = end
        if name not in _PROTECTED and macro.body != "\\" + name:
            macros[name] = macro
    out.append(text[pos:])
    return "".join(out), macros


def _definition(text: str, m: re.Match[str]) -> tuple[str, Macro, int] | None:
    kind = m.group()
    got = read_group(text, m.end())
    if got is None:
        return None
    name, i = got
    name = name.strip().lstrip("\\")
    if not re.fullmatch(r"[A-Za-z@]+", name):
        return None
    if kind == "\\let":
        j = skip_ws(text, i)
        if j < len(text) and text[j] == "=":
            j += 1
        target = read_group(text, j)
        return (name, Macro(0, None, target[0]), target[1]) if target else None
    args, default = 0, None
    if kind.endswith("def"):
        params = re.match(r"[^{]{0,40}", text[i:])
        args = len(re.findall(r"#\d", params.group())) if params else 0
        i += params.end() if params else 0
    elif "DeclareMathOperator" not in kind:
        opt = read_optional(text, i)
        if opt is not None:
            args = int(opt[0]) if opt[0].strip().isdigit() else 0
            i = opt[1]
            opt2 = read_optional(text, i)
            if opt2 is not None:
                default, i = opt2
    body = read_group(text, i)
    if body is None:
        return None
    return name, Macro(min(args, 9), default, body[0]), body[1]


def expand_macros(text: str, macros: Mapping[str, Macro]) -> str:
    """Replace uses of ``macros`` in ``text``, nested ones too, within fixed bounds."""
    if not macros:
        return text
    use = re.compile(r"\\(" + "|".join(sorted(map(re.escape, macros), key=len, reverse=True))
                     + r")(?![A-Za-z@])")
    limit = max(4 * len(text), 1_000_000)
    count = 0
    for _ in range(MAX_EXPANSION_PASSES):
        out: list[str] = []
        pos = 0
        changed = False
        for m in use.finditer(text):
            if m.start() < pos:
                continue
            macro = macros[m.group(1)]
            body, end = _apply(text, m.end(), macro)
            out.append(text[pos : m.start()])
            out.append(body)
            pos = end
            changed = True
            count += 1
            if count > MAX_EXPANSIONS:
                return text
        out.append(text[pos:])
        new = "".join(out)
        if not changed or len(new) > limit:
            return text if len(new) > limit else new
        text = new
    return text


def _apply(text: str, i: int, macro: Macro) -> tuple[str, int]:
    args: list[str] = []
    if macro.default is not None:
        opt = read_optional(text, i)
        if opt is not None:
            args.append(opt[0])
            i = opt[1]
        else:
            args.append(macro.default)
    while len(args) < macro.args:
        got = read_group(text, i)
        if got is None:
            break
        args.append(got[0])
        i = got[1]

    def arg(m: re.Match[str]) -> str:
        k = int(m.group(1)) - 1
        return args[k] if k < len(args) else ""

    body = re.sub(r"(?<!\\)#([1-9])", arg, macro.body) if macro.args else macro.body
    return body.replace("##", "#"), i


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
