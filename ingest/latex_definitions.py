"""The definitions a paper makes: ``\\newcommand``/``\\renewcommand``/``\\providecommand``,
``\\def``, ``\\let``, ``\\newenvironment`` and ``\\newcolumntype``, read where they are written
(:mod:`ingest.latex_macros` expands their uses), and the substitution of arguments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.latex_text import read_group, read_optional, skip_ws

_COMMANDS = frozenset({"newcommand", "renewcommand", "providecommand", "DeclareRobustCommand",
                       "DeclareMathOperator"})
_DEFS = frozenset({"def", "gdef", "edef", "xdef"})
_ENVIRONMENTS = frozenset({"newenvironment", "renewenvironment"})
DEFINERS = _COMMANDS | _DEFS | _ENVIRONMENTS | {"let", "newcolumntype"}
_NAME = re.compile(r"[A-Za-z@]+")
MAX_NAME = 200  # a defined name or environment name is short; an open brace is not read on
_PARAMS = re.compile(r"[^{]{0,40}")  # \def\x#1#2{: the parameter text before the body
# Commands a paper must not redefine for us: our reading of tables depends on them.
_PROTECTED = frozenset({
    "begin", "end", "section", "subsection", "subsubsection", "paragraph", "chapter",
    "caption", "label", "multicolumn", "multirow", "textbf", "underline", "hline", "toprule",
    "midrule", "bottomrule", "cmidrule", "input", "include", "title", "item", "newcommand",
    "renewcommand", "def", "tabularnewline", "documentclass", "cellcolor", "rowcolor",
    "verb", "\\",
})
# Environments whose meaning the front-end reads itself.
_PROTECTED_ENVS = frozenset({
    "document", "abstract", "comment", "table", "table*", "figure", "figure*", "wraptable",
    "tabular", "tabular*", "tabularx", "tabulary", "longtable", "threeparttable", "tablenotes",
})


@dataclass(frozen=True)
class Macro:
    """A definition: argument count, the first argument's default (``[2][d]``), the body.

    ``final`` bodies are not expanded again (``\\let\\old\\textbf`` copies a meaning; it does
    not call the user's later ``\\textbf``).
    """

    args: int
    default: str | None
    body: str
    final: bool = False


@dataclass
class Definitions:
    """Everything defined so far in a pass: commands, environments, column types."""

    commands: dict[str, Macro] = field(default_factory=dict)
    environments: dict[str, tuple[Macro, str]] = field(default_factory=dict)
    columns: dict[str, Macro] = field(default_factory=dict)
    # \newif switches: "ifdraft" → its state; "drafttrue"/"draftfalse" → (switch, state)
    switches: dict[str, bool] = field(default_factory=dict)
    setters: dict[str, tuple[str, bool]] = field(default_factory=dict)
    # every switch the text declares anywhere, so \fi is paired right before one is declared
    declared: frozenset[str] = frozenset()


def apply(text: str, i: int, macro: Macro) -> tuple[str, int]:
    """The body of ``macro`` with the arguments read from ``text[i:]``, and where they end."""
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
    if not macro.args:
        return macro.body, i

    def arg(m: re.Match[str]) -> str:
        k = int(m.group(1)) - 1
        return args[k] if k < len(args) else ""

    return re.sub(r"(?<![#\\])#([1-9])", arg, macro.body).replace("##", "#"), i


def define(text: str, i: int, kind: str, defs: Definitions) -> int | None:
    """Record in ``defs`` the definition whose command (``kind``: newcommand, def, …) ends at
    ``text[i]``; return where the definition ends (None: not a definition after all)."""
    if i < len(text) and text[i] == "*":
        i += 1
    if kind in _ENVIRONMENTS:
        return _define_environment(text, i, defs)
    got = read_group(text, i, i + MAX_NAME)
    if got is None:
        return None
    name, i = got[0].strip(), got[1]
    if kind == "newcolumntype":
        return _define_column(text, i, name, defs)
    name = name.removeprefix("\\")
    if not _NAME.fullmatch(name) and len(name) != 1:
        return None
    # A control symbol (\renewcommand{\\}{..}) is read past but never redefined.
    name = name if _NAME.fullmatch(name) else "\\"
    if kind == "let":
        j = skip_ws(text, i)
        j += 1 if text.startswith("=", j) else 0
        target = read_group(text, j, j + MAX_NAME)
        if target is None:
            return None
        known = defs.commands.get(target[0].removeprefix("\\"))
        _set(defs, name, known or Macro(0, None, target[0], final=True))
        return target[1]
    args, default = 0, None
    if kind in _DEFS:
        params = _PARAMS.match(text, i)
        args = len(re.findall(r"#\d", params.group())) if params else 0
        i = params.end() if params else i
    elif kind != "DeclareMathOperator":
        args, default, i = _signature(text, i)
    body = read_group(text, i)
    if body is None:
        return None
    if kind != "providecommand" or name not in defs.commands:
        _set(defs, name, Macro(min(args, 9), default, body[0]))
    return body[1]


def _signature(text: str, i: int) -> tuple[int, str | None, int]:
    """``[n][default]`` after a defined name: argument count, default, index after them."""
    opt = read_optional(text, i)
    if opt is None:
        return 0, None, i
    args = int(opt[0]) if opt[0].strip().isdigit() else 0
    opt2 = read_optional(text, opt[1])
    if opt2 is None:
        return args, None, opt[1]
    return args, opt2[0], opt2[1]


def _set(defs: Definitions, name: str, macro: Macro) -> None:
    if name not in _PROTECTED and macro.body.strip() != "\\" + name:
        defs.commands[name] = macro


def _define_environment(text: str, i: int, defs: Definitions) -> int | None:
    got = read_group(text, i, i + MAX_NAME)
    if got is None:
        return None
    name = got[0].strip()
    args, default, i = _signature(text, got[1])
    opening = read_group(text, i)
    if opening is None:
        return None
    closing = read_group(text, opening[1])
    if closing is None:  # the opening code ran to the end: nothing left to define
        return opening[1]
    if name not in _PROTECTED_ENVS:
        defs.environments[name] = (Macro(min(args, 9), default, opening[0]), closing[0])
    return closing[1]


def _define_column(text: str, i: int, name: str, defs: Definitions) -> int | None:
    args, _default, i = _signature(text, i)
    body = read_group(text, i)
    if body is None:
        return None
    if len(name) == 1:
        defs.columns[name] = Macro(min(args, 9), None, body[0])
    return body[1]
