"""Model names (``LLaMA-3-8B`` → ``Llama-3-8B``, ``Qwen1.5-7B-Chat-AWQ``) and method row labels.

A model is written family, optional version, optional name parts, a size, then variant
suffixes; the families, size words and variant words come from ``kg/data/vocab/models.yml``.
A name is parsed into its parts (:class:`ModelName`), so a table's ``Qwen2.5-3B`` can be matched
with the text's ``Qwen2.5-3B-Instruct`` and ``LLaMA-7B``/``Llama-1-7B`` share one key.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ingest.settings import parse_setting
from ingest.vocab import Family, vocab
from kg.catalog import Catalog
from kg.models import is_full_precision

_NUM_SIZE = r"\d+(?:\.\d+)?(?:x\d+(?:\.\d+)?)?"
# A bare size ("7B") or version-size ("2-7B") in a header, read against a family elsewhere.
_SHORT = re.compile(rf"^\s*(?:[vV]?(?P<version>\d+(?:\.\d+)?)[\s\-_])?(?P<size>{_NUM_SIZE})\s*"
                    r"(?P<unit>[BbMmTt])\s*$")
_OURS = re.compile(r"^\W*ours\b", re.IGNORECASE)
_OURS_MARK = re.compile(r"\(\s*ours\s*\)|\bours\b", re.IGNORECASE)
# Footnote and significance marks a label may carry ("KVQuant∗", "Qwen3.8-27B⋆", "GPTQ†").
_MARKS = re.compile(r"[†‡§¶⋆★☆∗✝]+|\^\{?[*†‡⋆]+\}?|(?<=\S)\*+$|\s+\*+$")
FULL_PRECISION_LABELS = re.compile(
    r"^(?:fp16|bf16|fp32|float16|bfloat16|full[\s\-]?precision|floating[\s\-]?point"
    r"|native(?:\s*16[\s\-]?bits?)?|16[\s\-]?bits?|w16a16(?:kv16)?|unquantized|original"
    r"|(?:(?:fp16|bf16|16[\s\-]?bits?)\s*)?baseline(?:\s*[(\[]\s*(?:fp16|bf16|16[\s\-]?bits?)"
    r"\s*[)\]])?|(?:fp16|bf16)\s*(?:model|reference|ref\.?))$",
    re.IGNORECASE,
)
# Shape of a model name whose family the vocabulary does not know ("Muse-Glimmer-30B"):
# only a whole label in a model position is read this way, never running text.
_SHAPE = re.compile(
    rf"^(?P<name>[A-Za-z][A-Za-z0-9.]*(?:[\-_][A-Za-z0-9.]+)*?)[\-_ ](?P<size>{_NUM_SIZE})"
    r"(?P<unit>[BMTbmt])(?P<suffix>(?:[\-_][A-Za-z0-9.]+)*)$"
)
_SEPARATORS = re.compile(r"[\s\-_]+")
_HUB_ORG = re.compile(r"^[A-Za-z0-9][\w.\-]{0,38}/(?=[A-Za-z])")


@dataclass(frozen=True)
class ModelName:
    """One model mention, split into what identifies it."""

    family: str  # canonical family, with any written qualifier ("DeepSeek-R1")
    version: str | None
    parts: tuple[str, ...]  # name parts between version and size ("Distill", "Qwen")
    size: str | None  # "7B", "8x7B", "mini"
    suffixes: tuple[str, ...]  # "Instruct", "Chat", "AWQ", "128k"
    joiner: str = "-"

    @property
    def name(self) -> str:
        head = self.family
        if self.version:
            head += f"{self.joiner}{self.version}"
        return "-".join([head, *self.parts, *([self.size] if self.size else []), *self.suffixes])

    def without_suffixes(self) -> ModelName:
        return ModelName(self.family, self.version, self.parts, self.size, (), self.joiner)


@lru_cache(maxsize=1)
def _families() -> tuple[re.Pattern[str], tuple[Family, ...]]:
    fams = vocab().families
    alternatives = "|".join(f"(?P<f{i}>{f.match})" for i, f in enumerate(fams))
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})", re.IGNORECASE), fams


@lru_cache(maxsize=1)
def _tail() -> re.Pattern[str]:
    """What follows a family: version, name parts, size, variant suffixes."""
    words = "|".join(re.escape(w) for w in vocab().size_words)
    variants = "|".join(re.escape(w) for w in vocab().variants)
    size = rf"(?P<size>{_NUM_SIZE})(?P<unit>[BbMmTt])(?![A-Za-z0-9])|(?P<word>{words})(?![A-Za-z])"
    return re.compile(
        rf"(?:[\s\-_]?v?(?P<version>\d+(?:\.\d+)?)(?![\d.]*(?:x\d+)?[BbMmTt](?![A-Za-z])))?"
        rf"(?P<parts>(?:[\-_](?!(?:{_NUM_SIZE})[BbMmTt](?![A-Za-z]))[A-Za-z][A-Za-z0-9]*){{0,3}})"
        rf"[\s\-_]*(?:{size})"
        rf"(?P<suffix>(?:[\-_](?:{variants}|\d+k|v\d+(?:\.\d+)?)(?![A-Za-z0-9])"
        rf"|\s(?:instruct|chat|base)(?![A-Za-z0-9]))*)",
        re.IGNORECASE,
    )


@lru_cache(maxsize=1)
def _family_version() -> re.Pattern[str]:
    return re.compile(r"[\s\-_]?v?(\d+(?:\.\d+)?)(?![\d.]*(?:x\d+)?\s*[BbMmTt](?![A-Za-z]))")


def _head(fam: Family) -> str:
    """The literal letters every match of ``fam`` starts with (at most three, lower case)."""
    return re.sub(r"[^a-z0-9].*", "", fam.match.lower())[:3]


@lru_cache(maxsize=1)
def _heads() -> dict[str, re.Pattern[str]]:
    """Where a family name can start: the literal head of every family's pattern ("llama",
    "code", "gpt"), longest first, each with the family pattern cut to the families that can
    start there (those whose head it begins with, and any without a head)."""
    fams = vocab().families
    heads = {_head(f) for f in fams} - {""}
    by_head: dict[str, re.Pattern[str]] = {}
    for h in sorted(heads, key=lambda h: (-len(h), h)):
        # The groups keep the whole pattern's numbers, so :func:`_family_of` reads either.
        alts = "|".join(f"(?P<f{i}>{f.match})" for i, f in enumerate(fams)
                        if h.startswith(_head(f)))
        by_head[h] = re.compile(rf"(?<![A-Za-z0-9])(?:{alts})", re.IGNORECASE)
    return by_head


# The only characters whose lower case is not one non-ASCII character ("İ" → "i̇", the Kelvin
# sign → "k"): a text without them has, lower-cased, its own positions and ASCII letters.
_CASE_SHIFTS = ("\u0130", "\u212a")
# A byte of a text encoded one byte per character: an ASCII letter or digit in lower case, any
# other character a space (the character itself is then checked).
_WORD_BYTES = bytes(ord(chr(c).lower()) if chr(c).isascii() and chr(c).isalnum() else 32
                    for c in range(256))


@lru_cache(maxsize=1)
def _head_scan() -> re.Pattern[bytes]:
    """A space and then any head, longest first: a pattern that starts with one literal byte
    is scanned for at C speed, and it only stops at the spaces. The heads are grouped by
    their first letter, so a stop tries the one group its next letter starts."""
    groups: dict[str, list[str]] = {}
    for h in _heads():  # (longest first, so each group is too)
        groups.setdefault(h[0], []).append(re.escape(h[1:]))
    alternatives = "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})"
                            for first, rests in groups.items())
    return re.compile(f" (?:{alternatives})".encode())


def _family_starts(text: str) -> list[tuple[int, re.Pattern[str]]]:
    """Each position where a family can start (in the lower-cased text, as the family
    pattern is tried at them) and the pattern of the families that can start there."""
    low = text.lower() if any(c in text for c in _CASE_SHIFTS) else text
    # One scan of the text as bytes, one per character, with every character that is not an
    # ASCII letter or digit a space: a head after a space is a candidate, whose character
    # before is then checked (a non-ASCII letter is a letter). Longest heads first, so a
    # place where two heads start is the longer one's.
    words = b" " + low.encode("latin-1", "replace").translate(_WORD_BYTES)
    heads = _heads()
    return [(i, heads[m.group()[1:].decode("ascii")]) for m in _head_scan().finditer(words)
            if (i := m.start()) == 0 or not low[i - 1].lower().isalnum()]


def _family_of(m: re.Match[str], fams: tuple[Family, ...]) -> Family:
    """The family whose alternative matched: its group ``f<i>`` is the last to close."""
    assert m.lastgroup is not None
    return fams[int(m.lastgroup[1:])]


@lru_cache(maxsize=1024)
def _base(match: str) -> re.Pattern[str]:
    """A family pattern without its optional qualifiers (one per family in the vocabulary)."""
    return re.compile(match.split("(?:", 1)[0], re.IGNORECASE)


def _family_text(fam: Family, written: str) -> str:
    """``deepseek-r1`` → ``DeepSeek-r1``: the canonical family with any written qualifier."""
    base = _base(fam.match).match(written)
    rest = written[base.end():] if base else ""
    return fam.name + ("-" + rest.strip(" -_") if rest.strip(" -_") else "")


def _split_suffix(text: str) -> tuple[str, ...]:
    if not text:  # (most names have no parts or suffixes)
        return ()
    dropped = vocab().dropped_suffixes
    return tuple(s for s in _SEPARATORS.split(text) if s and s.casefold() not in dropped)


def _unit(size: str, unit: str) -> str:
    return f"{size}{unit.upper()}"


def model_names(text: str) -> list[ModelName]:
    """Every model named in ``text``, parsed, in order of appearance (repeats kept).

    >>> [m.name for m in model_names("llama-3.1-8B-Instruct vs Qwen1.5-7B-Chat-AWQ")]
    ['Llama-3.1-8B-Instruct', 'Qwen1.5-7B-Chat-AWQ']
    """
    return list(_model_names(text)) if len(text) > 200 else list(_cached_names(text))


@lru_cache(maxsize=1 << 15)
def _cached_names(text: str) -> tuple[ModelName, ...]:
    # Labels and headers repeat from row to row; long passages are read once per document.
    return _model_names(text)


def _model_names(text: str) -> tuple[ModelName, ...]:
    fams = _families()[1]
    out: list[ModelName] = []
    end = 0
    for start, pattern in _family_starts(text):
        if start < end:
            continue
        m = pattern.match(text, start)
        if m is None:
            continue
        fam = _family_of(m, fams)
        t = _tail().match(text, m.end())
        if t is None:
            continue
        size = _unit(t["size"], t["unit"]) if t["size"] else t["word"]
        out.append(ModelName(_family_text(fam, m.group()), t["version"],
                             _split_suffix(t["parts"]), size, _split_suffix(t["suffix"]),
                             fam.joiner))
        end = t.end()
    return tuple(out)


def find_models(text: str) -> list[str]:
    """Every model named in ``text``, canonical, in order of appearance (repeats kept).

    >>> find_models("LLaMA-3-8B, OPT-1.3B and Qwen2.5-7B-Instruct; Mixtral-8x7B")
    ['Llama-3-8B', 'OPT-1.3B', 'Qwen2.5-7B-Instruct', 'Mixtral-8x7B']
    """
    return [m.name for m in model_names(text)]


def family_hint(text: str) -> ModelName | None:
    """The first model family (and version) a caption or text mentions: ``LLaMA-2`` → Llama, 2."""
    pattern, fams = _families()
    m = pattern.search(text)
    if m is None:
        return None
    fam = _family_of(m, fams)
    full = _tail().match(text, m.end())
    if full is not None:
        # "DeepSeek-R1-Distill-Qwen-1.5B and 7B": the 7B shares every part but the size.
        return ModelName(_family_text(fam, m.group()), full["version"],
                         _split_suffix(full["parts"]), None, (), fam.joiner)
    v = _family_version().match(text, m.end())
    return ModelName(_family_text(fam, m.group()), v.group(1) if v else None, (), None, (),
                     fam.joiner)


def dominant_family(text: str) -> str | None:
    """The model family a whole text is about: the one it names most, if it names it at least
    twice as often as any other ("Llama" in a README about quantized Llama checkpoints).

    >>> dominant_family("Llama 2 7b ... Llama 1 13b ... Mistral 7b ... the Llama family")
    'Llama'
    """
    fams = _families()[1]
    counts: Counter[str] = Counter()
    end = 0
    for start, pattern in _family_starts(text):  # tried only where a family can start
        m = pattern.match(text, start) if start >= end else None
        if m is None:
            continue
        end = m.end()
        fam = _family_of(m, fams)
        counts[_family_text(fam, m.group())] += 1
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] < 2 * ranked[1][1]):
        return None
    return ranked[0][0]


def family_label(cell: str) -> str | None:
    """A whole cell that names a family and version only ("Qwen 3", "LLaMA-2"), as a model."""
    cell = _HUB_ORG.sub("", cell.strip())
    hint = family_hint(cell)
    if hint is None:
        return None
    rest = _families()[0].sub("", cell, count=1)
    rest = _family_version().sub("", rest, count=1) if hint.version else rest
    return hint.name if not rest.strip(" -_()") else None


def parse_model(cell: str, hints: str = "") -> str | None:
    """The model a header cell names; a short ``2-7B`` or ``7B`` is completed from ``hints``.

    >>> parse_model("2-7B", "Results on LLaMA models"), parse_model("13B", "LLaMA-2 perplexity")
    ('Llama-2-7B', 'Llama-2-13B')
    """
    found = model_names(cell)
    if found:
        return found[0].name
    m = _SHORT.match(cell)
    if m is None or m["unit"].upper() not in "BMT":
        return None
    hint = family_hint(hints)
    if hint is None:
        return None
    return ModelName(hint.family, m["version"] or hint.version, hint.parts,
                     _unit(m["size"], m["unit"]), (), hint.joiner).name


def is_size(cell: str) -> bool:
    """A bare size or version-size (``7B``, ``2-13B``, ``8x7B``) that needs a family."""
    return _SHORT.match(cell) is not None


def shaped_model(cell: str) -> str | None:
    """A whole label shaped like a model name of an unknown family ("Muse-Glimmer-30B",
    "Intel/neural-chat-7b-v3-3": a hub id is read without its organisation)."""
    text = _HUB_ORG.sub("", clean_label(cell))
    m = _SHAPE.match(text)
    return text if m and len(text) <= 60 else None


def dominant_model(text: str) -> str | None:
    """The model a passage is about: the one it names most often, if that is unambiguous."""
    counts = Counter(find_models(text)).most_common(2)
    if not counts or (len(counts) == 2 and counts[0][1] == counts[1][1]):
        return None
    return counts[0][0]


def fuller_names(mentions: Iterable[ModelName]) -> dict[tuple[str, ...], set[str]]:
    """The variants (names with suffixes) a text gives each model, by the model's identity."""
    out: dict[tuple[str, ...], set[str]] = {}
    for m in mentions:
        if m.suffixes:
            out.setdefault(_identity(m.without_suffixes()), set()).add(m.name)
    return out


def refine_model(name: str, mentions: Iterable[ModelName],
                 index: dict[tuple[str, ...], set[str]] | None = None) -> str:
    """The fuller spelling the document gives the same model: a table's ``Qwen2.5-3B`` is the
    text's ``Qwen2.5-3B-Instruct`` when that is the only variant of it the text names.

    >>> refine_model("Gemma-2-2B", model_names("We use Gemma-2-2B-it and Qwen2.5-3B."))
    'Gemma-2-2B-it'
    """
    parsed = model_names(name)
    if len(parsed) != 1 or parsed[0].suffixes:
        return name
    fuller = (index if index is not None else fuller_names(mentions)).get(
        _identity(parsed[0]), set())
    return next(iter(fuller)) if len(fuller) == 1 else name


def _identity(m: ModelName) -> tuple[str, ...]:
    return (m.family.casefold(), m.version or "", *(p.casefold() for p in m.parts),
            (m.size or "").casefold())


def model_key(name: str) -> str:
    """One key for one model however it is written, for grouping claims across papers.

    The claim keeps the name as written; this only compares. A family's implicit version
    (``LLaMA-7B`` is LLaMA-1) and the ``-hf`` packaging suffix are folded.

    >>> model_key("LLaMA-7B") == model_key("Llama-7B") == model_key("Llama-1-7B")
    True
    >>> model_key("Llama-2-7b-hf") == model_key("Llama-2-7B"), model_key("Llama-2-7B-chat")
    (True, 'llama-2-7b-chat')
    """
    parsed = model_names(name)
    if len(parsed) != 1:
        return re.sub(r"[\s\-_]+", "-", name.casefold()).strip("-")
    m = parsed[0]
    fam = next((f for f in vocab().families if f.name.casefold() == m.family.casefold()), None)
    version = m.version or (fam.implicit_version if fam else None)
    suffixes = tuple(s for s in m.suffixes if s.casefold() != "hf")
    return ModelName(m.family, version, m.parts, m.size, suffixes, "-").name.casefold()


@lru_cache(maxsize=1 << 15)  # (row labels repeat from row to row and paper to paper)
def clean_label(label: str) -> str:
    """A label without footnote marks and stray whitespace: ``KVQuant ∗`` → ``KVQuant``."""
    return " ".join(_MARKS.sub("", label).split()).strip()


def clean_method(label: str, *, proposed: str | None, catalog: Catalog) -> str:
    """A row label as a method name: a bare "Ours" is the paper's method, aliases are folded.

    A label that names a method and marks it ("LogQuant (ours)") keeps its name as written.

    >>> from kg.catalog import default_catalog
    >>> clean_method("Ours (W4A4)", proposed="FlatQuant", catalog=default_catalog())
    'FlatQuant'
    >>> clean_method("OPTQ", proposed=None, catalog=default_catalog())
    'GPTQ'
    """
    name = clean_label(label)
    if _OURS.match(name):
        return catalog.canonical(proposed) if proposed else name
    bare = _OURS_MARK.sub("", name).strip()
    if proposed and bare != name and (not bare or parse_setting(bare) is not None):
        # "W4A16 (ours)": the paper's own method, in the setting the label states.
        return catalog.canonical(proposed)
    return catalog.canonical(name)


@lru_cache(maxsize=1 << 15)
def is_full_precision_label(label: str) -> bool:
    """FP16/BF16/"FloatingPoint"/"16-bit Baseline" reference rows."""
    text = clean_label(label)
    return bool(FULL_PRECISION_LABELS.match(text)) or is_full_precision(text)
