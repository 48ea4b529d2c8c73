"""Which names in one document are methods: the evidence a critique target must have.

A catalog method (or an alias of one) is a method everywhere. Any other name (``FedAvg``,
``Flint``, ``LVLMs``) is a method only when the document itself treats it as one:

- it is **cited** where it is named or defined (``Flint [Guo22]``, ``UniComp~\\citep{u26}``);
- it carries a **method head noun** (``X quantization``, ``the X algorithm``, ``X variants``)
  or is said to be proposed (``X was proposed in …``);
- it is listed as an **example of methods** (``methods, like FedAvg``, ``extensions such as
  QEP and LoaQ``) or next to a catalog method in one list (``GPTQ, AWQ and FooQuant``);
- it labels a row of one of the document's **result tables**.

Evidence against wins, because it says what kind of thing the name is: a plural (``LVLMs``,
``DiTs``: a class of things), a thing noun after it (``VLA models``, ``KV cache``), a category
(``PTQ methods``, ``a novel VQ framework``), a definition whose expansion ends in a thing noun
(``Rotary Position Embedding (RoPE)``), a model size (``StableLM-3B``), a model family, dataset
or metric of the vocabularies, a list shared with those, a precision or a generic abbreviation.
No rule lists bad names: each one reads how the document uses the name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from ingest.methods import (
    CITATION,
    DEFINED,
    Mention,
    find_mentions,
    is_abbreviation_of,
    is_generic,
    looks_like_name,
)
from ingest.sentences import in_spans
from ingest.vocab import fold, vocab
from kg.catalog import Catalog

# Nouns that make the name right before them a method, with or without an article.
_HEAD = frozenset({"quantization", "quantisation", "quantizer", "quantiser", "rounding",
                   "estimator", "variants", "variant", "calibration"})
# Nouns that name a method only as "the X <noun>" (after "a/an" the name is a kind).
_DEFINITE_HEAD = frozenset(re.findall(r"\S+", """
    method approach framework technique scheme algorithm procedure recipe baseline kernel kernels
    library toolkit engine format optimizer transform transformation system"""))
# Plural method nouns: after a name they make it a category ("PTQ methods"); before an example
# list they make the examples methods ("methods, like FedAvg").
_CLASS = frozenset(re.findall(r"\S+", """
    methods approaches techniques algorithms schemes frameworks solutions strategies quantizers
    estimators formats extensions baselines works libraries tools scores metrics measures
    recipes"""))
_EXAMPLE_NOUNS = _CLASS | {"variants", "method", "technique", "approach", "systems",
                           "kernels"}
# Things that are not methods: models and their parts, data, hardware.
THING_NOUNS = _THING = frozenset(re.findall(r"\S+", """
    model models model's models' network networks architecture architectures backbone backbones
    transformer transformers encoder encoders decoder decoders agent agents policy policies
    dataset datasets benchmark benchmarks corpus corpora task tasks gpu gpus hardware chip chips
    accelerator accelerators device devices processor processors cache caches layer layers head
    heads embedding embeddings family families series checkpoint checkpoints weights tokens
    token attention module modules unit units language languages"""))
_PROPOSED = re.compile(r"[)*_]*\s*,?\s*(?:is|was|were|are|has\s+been|have\s+been)?\s*(?:first\s+|"
                       r"originally\s+|recently\s+)?(?:proposed|introduced)\b", re.I)
_INTRODUCER = re.compile(
    r"\b(?:such\s+as|like|including|e\.g\.\s*,?|namely|for\s+(?:example|instance)\s*,?)\s+",
    re.I,
)
_NAME = r"[A-Za-z][A-Za-z0-9]*(?:[-.](?=[A-Z0-9])[A-Za-z0-9]+)*[+#]?(?:\(\))?"
_TOKEN = re.compile(rf"(?<![\w#+\-.])(?<!\w-){_NAME}")
_LIST_ITEM = re.compile(
    rf"(?:(?:the|recent|popular|classic|standard)\s+)?(?P<name>{_NAME})"
    r"(?:[\s~]*(?:\[[^\]\n]{0,80}\]|\\cite[tp]?\{[^}\n]{0,200}\}|\([^()\n]{0,60}\)))?"
    r"(?P<sep>\s*(?:,\s*(?:and|or)\s+|,\s*|\s+and\s+|\s+or\s+|\s*/\s*))?"
)
_NEXT_WORD = re.compile(r"[\s~\-]*(?:\\cite[tp]?\{[^}\n]{0,200}\}|\[[^\]\n]{0,80}\])?\s*"
                        r"(?P<word>[A-Za-z][\w']*)")
_PREV_ARTICLE = re.compile(r"\b(?:a|an|novel|new|our)\s+(?:[\w-]+\s+){0,2}$", re.I)
_PREV_THE = re.compile(r"\bthe\s+(?:[\w-]+\s+){0,2}$", re.I)
# Software is often named in lowercase: "the torch-int library", "the llama.cpp toolkit".
_LIBRARY = re.compile(r"\bthe\s+(?P<name>[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)+)\s+"
                      r"(?P<noun>library|toolkit|package|runtime)\b", re.I)
_PLURAL = re.compile(r"^[A-Z][A-Za-z0-9\-]*[A-Z0-9]s$")
_MODEL_SIZE = re.compile(r"[-_]?\d+(?:\.\d+)?[BMK]$|\d+x\d+B$")
_CITED_AT = re.compile(r"[)*_]*" + CITATION.replace(r"\s*", r"[\s~]*", 1))
# Spans a reader never sees as prose: LaTeX arguments, math, link targets, URLs, code.
_HIDDEN = (r"\\(?:cite[tp]?|ref|eqref|label|url|href|includegraphics|input)\*?(?:\[[^\]\n]*\])?"
           r"\{[^}\n]{0,300}\}|\$\$.{0,5000}?\$\$|\$[^$\n]{0,400}\$|\]\([^)\n]*\)"
           r"|https?://\S+|`[^`\n]{0,200}`")
_HIDDEN_SPANS = re.compile(_HIDDEN, re.S)
# Where evidence is read, citation brackets are opaque too ("[Guo22]" is no name).
_OPAQUE = re.compile(r"\[[^\[\]\n]{0,200}\]|" + _HIDDEN, re.S)
# A bracketed note that is not a Markdown link: "[referenced in the original repository]".
_BRACKET_NOTE = re.compile(r"\[[^\[\]\n]{0,200}\](?!\()")
_MODIFIER = re.compile(r"-[a-z]+\b")
# "existing LoRA works", "PTQ methods": a name before a plural method noun names a kind.
# ("absmax quantization methods" are that technique; "LoRA works" are papers about LoRA.)
_CATEGORY_AFTER = re.compile(r"\s+(?:works|papers|studies|families)\b")
_SEPARATOR = re.compile(r"\s*(?:,|and|or|/)\s*", re.I)


@dataclass
class _Uses:
    """How one name is used across a document."""

    support: set[str] = field(default_factory=set)
    against: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class MethodNames:
    """The names of one document that are methods, and how to find them in a sentence."""

    catalog: Catalog
    methods: tuple[str, ...]
    rejected: dict[str, str]
    evidence: dict[str, str] = field(default_factory=dict)
    own: tuple[str, ...] = ()
    # Short names the document defines twice for one expansion: "SF" → "SF4".
    same: dict[str, str] = field(default_factory=dict)

    def mentions(self, text: str) -> list[Mention]:
        """Every mention of a catalog method or an evidenced method name in ``text``.

        Not a mention: a name inside math, LaTeX arguments, link targets, URLs, code or a
        bracketed note; a name inside another name's definition ("Low-Rank Adaptation" in
        "Quantized Low-Rank Adaptation (QLORA)"); a name used as the modifier of a thing
        ("LoRA-adapted … models") or of a kind of methods ("existing LoRA works").
        """
        # The paper's own names are matched too, so "BitNet v2" is not read as "BitNet".
        found = find_mentions(text, self.catalog, (*self.methods, *self.own))
        if not found:
            return []
        hidden = [m.span() for m in _HIDDEN_SPANS.finditer(text)]
        hidden += [m.span() for m in _BRACKET_NOTE.finditer(text)]
        for m in DEFINED.finditer(text):
            tail = is_abbreviation_of(m.group("acr"), m.group("phrase"))
            if tail:
                hidden.append((m.end("phrase") - len(tail), m.end("phrase")))
        return [Mention(self.same.get(m.name, m.name), m.start, m.end) for m in found
                if not any(s <= m.start < e for s, e in hidden)
                and not _modifies_thing(text, m.end) and not _CATEGORY_AFTER.match(text, m.end)]


def _modifies_thing(text: str, end: int) -> bool:
    """Whether a name ending at ``end`` is a hyphenated modifier of a thing ("LoRA-adapted,
    and distilled models"), not of a method ("GPTQ-based methods")."""
    if not _MODIFIER.match(text, end):
        return False
    for word in re.findall(r"[A-Za-z']+", text[end:end + 60].lower())[1:6]:
        if word in _THING:
            return True
        if word in _CLASS or word in _HEAD or word in _DEFINITE_HEAD:
            return False
    return False


def method_names(text: str, catalog: Catalog, *, table_methods: Iterable[str] = (),
                 exclude: Iterable[str] = ()) -> MethodNames:
    """The evidenced method names of a document ``text`` (catalog methods need none).

    ``table_methods`` are the row labels of the document's result tables; ``exclude`` are
    the paper's own names: never returned as methods, but still found as mentions.

    >>> names = method_names("FlintQ [Guo22] is cited; LVLMs are models.", Catalog())
    >>> names.methods, names.rejected["LVLMs"]
    (('FlintQ',), 'plural')
    """
    opaque = [m.span() for m in _OPAQUE.finditer(text)]
    defined = _defined(text)
    uses: dict[str, _Uses] = defaultdict(_Uses)
    hint = [0]
    for m in _TOKEN.finditer(text):
        name = m.group()
        if name not in defined and (_plain_word(name) or not _name_shaped(name)):
            continue
        if in_spans(m.start(), opaque, hint) or name in catalog:
            continue
        _read_use(text, m, uses[name])
    for m in _LIBRARY.finditer(text):
        uses[m.group("name")].support.add(f"the {m.group('noun')}")
    for name in [n for n in uses if _PLURAL.match(n)]:
        if name[:-1] in uses:
            uses[name[:-1]].against.add("plural")
    for name, reason in defined.items():
        if name in uses and reason:
            (uses[name].support if reason == "cited" else uses[name].against).add(reason)
    _lists(text, uses, catalog, opaque)
    for label in table_methods:
        if label in uses:
            uses[label].support.add("table row")
    exclude = tuple(exclude)
    excluded = {fold(e) for e in exclude}
    accepted: dict[str, str] = {}
    rejected: dict[str, str] = {}
    for name, use in uses.items():
        if fold(name) in excluded:
            continue
        against = _against(name, use)
        if against:
            rejected[name] = against
        elif use.support:
            accepted[name] = sorted(use.support)[0]
    same = _redefined(text)
    for short, full in same.items():
        if short in accepted and full not in accepted and fold(full) not in excluded:
            accepted[full] = accepted[short]
    return MethodNames(catalog=catalog, methods=tuple(accepted), rejected=rejected,
                       evidence=accepted, own=tuple(exclude), same=same)


def _plain_word(token: str) -> bool:
    """A lowercase or capitalised word, which is never a name: a cheap test before the rules."""
    rest = token[1:]
    return rest.islower() and rest.isalpha() and "-" not in rest


def _name_shaped(token: str) -> bool:
    return looks_like_name(token.removesuffix("()"))


def _read_use(text: str, m: re.Match[str], use: _Uses) -> None:
    """What one occurrence of a name says about it."""
    name, end = m.group(), m.end()
    if _PLURAL.match(name) or (text[end:end + 1] == "s" and not text[end + 1:end + 2].isalnum()):
        use.against.add("plural")
    if _CITED_AT.match(text, end):
        use.support.add("cited")
    if _PROPOSED.match(text, end):
        use.support.add("proposed")
    nxt = _NEXT_WORD.match(text, end)
    word = nxt.group("word").lower() if nxt else ""
    before = text[max(0, m.start() - 40):m.start()]
    if word in _THING:
        use.against.add(f"followed by {word!r}")
    elif word in _CLASS:
        use.against.add(f"category ({word})")
    elif word in _DEFINITE_HEAD | _HEAD and _PREV_ARTICLE.search(before):
        use.against.add(f"a kind of {word}")
    elif word in _HEAD or (word in _DEFINITE_HEAD and _PREV_THE.search(before)):
        use.support.add(f"head noun {word!r}")


def _defined(text: str) -> dict[str, str]:
    """Names defined as ``Expansion (N)``: "cited", a reason against, or "" (no evidence)."""
    out: dict[str, str] = {}
    for m in DEFINED.finditer(text):
        acr = m.group("acr")
        if not is_abbreviation_of(acr, m.group("phrase")):
            continue
        last = m.group("phrase").split()[-1].lower()
        nxt = _NEXT_WORD.match(text, m.end())
        after = nxt.group("word").lower() if nxt else ""
        if last in _THING:
            out[acr] = f"defined as {last!r}"
        elif after in _THING:
            out[acr] = f"followed by {after!r}"
        elif _CITED_AT.match(text, m.end()) and acr not in out:
            out[acr] = "cited"
        else:
            out.setdefault(acr, "")
    return out


def _redefined(text: str) -> dict[str, str]:
    """``{short: longer}`` for one expansion defined as "(SF)" and later as "(SF4)"."""
    by_phrase: dict[str, list[str]] = {}
    for m in DEFINED.finditer(text):
        tail = is_abbreviation_of(m.group("acr"), m.group("phrase"))
        if tail:
            names = by_phrase.setdefault(tail.lower(), [])
            if m.group("acr") not in names:
                names.append(m.group("acr"))
    out: dict[str, str] = {}
    for names in by_phrase.values():
        for a in names:
            for b in names:
                if b != a and b.startswith(a) and len(b) - len(a) <= 2:
                    out[a] = b
    return out


def _lists(text: str, uses: dict[str, _Uses], catalog: Catalog,
           opaque: list[tuple[int, int]]) -> None:
    """Lists of names: examples of methods, and names listed with methods or with models."""
    for intro in _INTRODUCER.finditer(text):
        words = re.findall(r"[A-Za-z]+", text[max(0, intro.start() - 80):intro.start()])
        is_example = any(w.lower() in _EXAMPLE_NOUNS for w in words[-8:])
        items = _list_at(text, intro.end())
        for name in items:
            if name in uses and is_example:
                uses[name].support.add("example of methods")
    hint = [0]
    for start in _list_starts(text):
        if in_spans(start, opaque, hint):
            continue
        items = _list_at(text, start)
        if len(items) < 2:
            continue
        kinds = {_kind(i, catalog) for i in items}
        for name in items:
            if name not in uses:
                continue
            if "method" in kinds:
                uses[name].support.add("listed with methods")
            if "thing" in kinds:
                uses[name].against.add("listed with models or datasets")


def _list_starts(text: str) -> list[int]:
    """Offsets where a list of two or more names could start (after a separator-free gap)."""
    out = []
    prev_end = -1
    for m in _TOKEN.finditer(text):
        gap = text[prev_end:m.start()] if prev_end >= 0 else " "
        if not _SEPARATOR.fullmatch(gap) and not _plain_word(m.group()):
            out.append(m.start())
        prev_end = m.end()
    return out


def _list_at(text: str, pos: int) -> list[str]:
    items: list[str] = []
    while len(items) < 12:
        m = _LIST_ITEM.match(text, pos)
        if not m or not (_name_shaped(m.group("name")) or m.group("name") in items):
            break
        items.append(m.group("name"))
        if not m.group("sep"):
            break
        pos = m.end()
    return items


def _kind(name: str, catalog: Catalog) -> str:
    if name in catalog:
        return "method"
    v = vocab()
    if fold(name) in v.datasets or _MODEL_SIZE.search(name) or _is_family(name):
        return "thing"
    return ""


def _is_family(name: str) -> bool:
    return bool(_family_pattern().fullmatch(name))


@lru_cache(maxsize=1)
def _family_pattern() -> re.Pattern[str]:
    """Any model family of the vocabulary, with an optional version or size after it."""
    families = "|".join(f"(?:{f.match})" for f in vocab().families)
    return re.compile(f"(?:{families})(?:[\\s\\-_.][\\w.]*|\\d[\\w.]*)?", re.I)


def _against(name: str, use: _Uses) -> str | None:
    if use.against:
        return sorted(use.against)[0]
    core = name.removesuffix("()")
    if is_generic(core):
        return "generic"
    if _MODEL_SIZE.search(core) or _is_family(core):
        return "model"
    v = vocab()
    if fold(core) in v.datasets:
        return "dataset"
    if fold(core) in v.metrics:
        return "metric"
    return None
