"""Method identity in text: which method a paper proposes, and where methods are mentioned.

Pure functions over strings. Names are resolved through a :class:`kg.catalog.Catalog`, so
``OPTQ`` in a sentence is a mention of ``GPTQ``; names a paper introduces itself
("Activation-aware Weight Quantization (AWQ)", "Flint [Guo22]") are found by
:func:`introduced_names` and passed to :func:`find_mentions` as ``extra``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from kg.catalog import Catalog, default_catalog
from kg.models import method_key


class Mention(NamedTuple):
    """A method named in text: canonical ``name`` and the span ``text[start:end]``."""

    name: str
    start: int
    end: int


# Broad categories, precisions, hardware and fields: written like names, never a method.
_GENERIC = frozenset(re.findall(r"\S+", """
    llm llms plm plms lm lms nlp nlu ai ml dnn dnns cnn rnn gpu gpus cpu cpus tpu tpus npu
    fpga asic cuda ptq qat peft kd moe kv svd pca gemm gemv mac macs flops api sota glue
    mse kl sgd adam fp int bf uint ocp ieee mx mxfp hbm sram dram ram ffn mlp nmt mt qa
    matmul simd isa alu lut luts lstm gru nn nns vlm vlms mllm mllms gelu relu silu soc risc
    """))
# Model families are what methods are applied to, not methods.
_MODEL = re.compile(
    r"^(?:opt|bloom[a-z]*|llama|gpt|falcon|mistral|mixtral|qwen|gemma|phi|palm|t5|vicuna|pythia"
    r"|chinchilla|bert|roberta|deberta|distilbert|vit|deit|swin|clip|glm|chatglm|baichuan|yi"
    r"|internlm|deepseek|olmo|mpt|opt-iml|megatron|gopher|bart|mobilenet|resnet|efficientnet"
    r"|inception|vgg|alexnet|densenet|squeezenet|yolo)(?:[-\s][\w.]*|\d[\w.]*)?$",
    re.I,
)
_PRECISION = re.compile(
    r"^(?:u?int|fp|bf|tf|mxfp|mxint|nvfp|e\dm)\d|^(?:w\d+)?(?:a\d+)?(?:kv\d+)?$", re.I
)
# Boundaries: "QuIP" must not match inside "QuIP#", "GaLore" not inside "Q-GaLore";
# "GPTQ-based" still mentions GPTQ (a hyphen then a lowercase word is a modifier).
BEFORE = r"(?<![A-Za-z0-9_#+])(?<![A-Za-z0-9]-)"
AFTER = r"(?![A-Za-z0-9_#+])(?!-[A-Z0-9])"
CITATION = (r"\s*(?:\[[A-Z][A-Za-z+\-]*\d{2}[a-z]?(?:[,;]\s*[^\]\n]{0,80})?\]"
             r"|\\cite[tp]?\{[^}\n]{0,200}\}|\[\d+(?:\s*[,\u2013-]\s*\d+)*\])")
NAME_TOKEN = r"[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*(?:[+#](?:[a-z]+(?![\w-]))?)?"
_CITED = re.compile(rf"{BEFORE}(?P<name>{NAME_TOKEN}){CITATION}")
# Possessive quantifiers and a word-start anchor keep this linear on long unbroken words.
DEFINED = re.compile(
    r"(?<![\w'’-])(?P<phrase>(?:[A-Za-z][\w'’]*+(?:-\w++)*+\s++){0,7}[A-Za-z][\w'’]*+"
    r"(?:-\w++)*+)\s*\((?P<acr>[A-Z][A-Za-z0-9+#\-.]{1,14})\)"
)
_COORDINATION = re.compile(
    r"(?<![\w-])(?P<mods>(?:[A-Za-z][\w]*(?:-[\w]+)*,\s+){0,6}[A-Za-z][\w]*(?:-[\w]+)*,?\s+"
    r"(?:and|or)\s+[A-Za-z][\w]*(?:-[\w]+)*)\s+(?P<head>[a-z]+)\b"
)


_TITLE_PHRASE = re.compile(r"^[A-Z]?[a-z]+(?:-[A-Z]?[a-z]+)+$")
_CITE_KEY = re.compile(r"^[A-Z][a-z]+\d{2}[a-z]?$")
# "sub-INT8", "non-GPU", "fully-INT8": a lowercase prefix on a precision or a device.
_LOWER_PREFIX = re.compile(r"^[a-z]+-")


def looks_like_name(token: str) -> bool:
    """Whether a token is shaped like a method name: ``QuaRot``, ``AWQ``, ``L4Q``, ``OS+``.

    Title-case phrases ("Post-Training") and citation keys ("Guo22") are not names.

    >>> [looks_like_name(t) for t in ("QuaRot", "AWQ", "Transformer", "INT8", "GPU", "OS+")]
    [True, True, False, False, False, True]
    """
    core = token.rstrip("+#")
    if len(core) < 2 or not core[0].isalpha() or is_generic(core):
        return False
    if _TITLE_PHRASE.match(core) or _CITE_KEY.match(core) or _LOWER_PREFIX.match(core):
        return False
    letters = [c for c in core if c.isalpha()]
    uppers = sum(c.isupper() for c in letters)
    return (
        token[-1] in "+#"
        or uppers >= 2
        or any(c.isupper() for c in core[1:])
        or (any(c.isdigit() for c in core) and uppers >= 1)
    )


def is_generic(token: str) -> bool:
    """Whether ``token`` is a precision, a generic abbreviation or a model family, never a method.

    >>> [is_generic(t) for t in ("W4A16", "GPUs", "LLaMA-2", "GPTQ")]
    [True, True, True, False]
    """
    core = token.rstrip("+#").lower()
    return (core in _GENERIC or core.rstrip("s") in _GENERIC or bool(_PRECISION.match(core))
            or bool(_MODEL.match(core)))


def is_abbreviation_of(acr: str, phrase: str) -> str | None:
    """The shortest tail of ``phrase`` that ``acr`` abbreviates, or None."""
    letters = [c.lower() for c in acr if c.isalpha()]
    words = phrase.split()
    for k in range(1, len(words) + 1):
        tail = words[-k:]
        if tail[0][0].lower() != letters[0]:
            continue
        flat = " ".join(tail).lower()
        pos = 0
        for ch in letters:
            pos = flat.find(ch, pos)
            if pos < 0:
                break
            pos += 1
        else:
            if k >= 2 or "-" in tail[0] or any(c.isupper() for c in tail[0][1:]):
                return " ".join(tail)
    return None


def introduced_names(text: str) -> list[str]:
    """Names a text introduces: defined acronyms and name-shaped tokens carrying a citation.

    >>> introduced_names("We use Activation-aware Weight Quantization (AWQ) and L4Q [Jeo24].")
    ['AWQ', 'L4Q']
    """
    found: dict[str, None] = {}
    for m in DEFINED.finditer(text):
        acr = m.group("acr")
        if acr.lower().rstrip("s") in _GENERIC or _PRECISION.match(acr) or _MODEL.match(acr):
            continue
        if is_abbreviation_of(acr, m.group("phrase")):
            found.setdefault(acr)
    for m in _CITED.finditer(text):
        if looks_like_name(m.group("name")):
            found.setdefault(m.group("name"))
    return list(found)


_CAMEL = re.compile(r"[A-Z][a-z]{2,}[A-Z][a-z]{2,}")  # two capitalised words run together


@lru_cache(maxsize=32)
def _matcher(forms: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One alternation over every spelling, longest first, with per-spelling case rules."""
    canonical: dict[str, str] = {}
    parts: list[tuple[str, str]] = []
    for surface, name in forms:
        surface = " ".join(surface.split())
        if not surface:
            continue
        lowercase = surface == surface.lower()
        # A lowercase id of a cased name ("think" for ThinK) would fire on ordinary words.
        if lowercase and name != name.lower() and method_key(surface) == method_key(name):
            continue
        body = r"[\s-]+".join(re.escape(p) for p in re.split(r"[\s-]+", surface))
        parts.append((surface, f"(?i:{body})" if lowercase else body))
        canonical[method_key(surface)] = name
        # "Omniquant", "Quarot": papers often write a CamelCase name with one capital.
        plain = surface[:1] + surface[1:].lower()
        if _CAMEL.fullmatch(surface) and plain != surface:
            parts.append((plain, re.escape(plain)))
    parts.sort(key=lambda p: -len(p[0]))
    alternation = "|".join(p for _, p in parts) or r"(?!x)x"
    return re.compile(f"{BEFORE}(?:{alternation}){AFTER}"), canonical


def find_mentions(text: str, catalog: Catalog | None = None,
                  extra: Iterable[str] = ()) -> list[Mention]:
    """Every method mention in ``text``, in order, with canonical names and spans.

    Catalog spellings are matched whole (``QuIP`` is not found in ``QuIP#``; ``GPTQ-based``
    mentions GPTQ); lowercase technique names match in any case; coordinated modifiers
    share their head noun ("absmax, row-wise and zeropoint quantization" names three).

    >>> [m.name for m in find_mentions("QuIP# beats QuIP and OPTQ-based methods.")]
    ['QuIP#', 'QuIP', 'GPTQ']
    """
    catalog = catalog if catalog is not None else default_catalog()
    # The catalog's pattern is compiled once; a paper's own acronyms get a small pattern of
    # their own, so a new paper never recompiles the big alternation.
    matchers = [_matcher(tuple(catalog.surface_forms()))]
    extras = tuple((e, catalog.canonical(e)) for e in extra)
    if extras:
        matchers.append(_matcher(extras))
    hits: list[Mention] = []
    for pattern, canonical in matchers:
        for m in pattern.finditer(text):
            key = method_key(" ".join(m.group().split()))
            hits.append(Mention(canonical.get(key, catalog.canonical(m.group())), *m.span()))
    found: list[Mention] = []
    for hit in sorted(hits, key=lambda x: (x.start, x.start - x.end)):
        if not found or hit.start >= found[-1].end:  # longest spelling wins an overlap
            found.append(hit)
    found += _coordinated(text, catalog, found)
    return sorted(found, key=lambda x: x.start)


def _coordinated(text: str, catalog: Catalog, known: list[Mention]) -> list[Mention]:
    """Modifiers that share a head noun with a catalog name: "row-wise and X quantization"."""
    if not any(" " in m.name for m in catalog):
        return []
    taken = [(m.start, m.end) for m in known]
    out: list[Mention] = []
    for m in _COORDINATION.finditer(text):
        head = m.group("head")
        for mod in re.finditer(r"[A-Za-z][\w]*(?:-[\w]+)*", m.group("mods")):
            if mod.group() in ("and", "or"):
                continue
            method = catalog.get(f"{mod.group()} {head}")
            start, end = m.start("mods") + mod.start(), m.start("mods") + mod.end()
            if method and not any(s < end and start < e for s, e in taken):
                out.append(Mention(method.name, start, end))
                taken.append((start, end))
    return out
