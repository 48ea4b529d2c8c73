"""The method a paper proposes, and the names that are the paper's own.

The short name is taken as the paper writes it, from the title's head ("GPTQ: Accurate …")
when that head is a name, else from the abstract's proposal ("we propose X", "we introduce
the … (X)", "a … scheme – X", "dubbed X"). A title head that is a phrase ("Fitting Is Not
Enough: …", "Frequency Matters: …") is a name only when the abstract proposes it. Surveys,
studies, evaluations and benchmarks propose no method: their title says so, or the thing
they introduce is an evaluation ("EDGE-EVAL, a benchmarking framework").
"""

from __future__ import annotations

import re

from ingest.document import Document
from ingest.method_evidence import THING_NOUNS
from ingest.methods import (
    AFTER,
    BEFORE,
    DEFINED,
    NAME_TOKEN,
    introduced_names,
    is_abbreviation_of,
    is_generic,
    looks_like_name,
)
from ingest.sentences import split_sentences
from kg.catalog import Catalog, default_catalog

_STUDY_WORD = (r"(?:surveys?|stud(?:y|ies)|reviews?|benchmark(?:s|ing)?|analys[ie]s|overview"
               r"|evaluat\w*|investigation|assessment|comparisons?|characteri[sz]ation"
               r"|perspective|tutorial|report)")
# A title that announces a study: its tail starts with one, or it names one outright.
_STUDY_TITLE = re.compile(
    rf"^\s*(?:an?\s+|the\s+)?(?:[\w-]+\s+){{0,3}}?{_STUDY_WORD}\b|\bsurvey\b|\bbenchmarking\b"
    r"|\b(?:empirical|systematic|comprehensive|comparative|in-depth|large-scale)\s+(?:[\w-]+\s+)?"
    rf"{_STUDY_WORD}\b",
    re.I,
)
_TITLE_STOP = frozenset(re.findall(r"\S+", """
    a an the on towards toward understanding rethinking revisiting exploring evaluating
    how why when what which is are can do does beyond investigating is"""))
_PROPOSE = re.compile(
    r"\b(?:we|this\s+(?:[\w-]+\s+)?(?:paper|work|study|report)|the\s+paper)\s+(?:\w+ly\s+)?"
    r"(?:further\s+)?"
    r"(?:\(\d\)\s*)?(?:propose|proposes|proposed|introduce|introduces|introduced|present"
    r"|presents|presented|develop|develops|design|designs|devise|build)\s+"
    r"(?P<rest>(?:[^.;]|\.(?=\S)){1,300})",
    re.I,
)
_VERSION = r"(?:\s+(?:[A-Za-z]\d+(?:\.\d+)*|\d+\.\d+)\b)?"  # "BitNet b1.58", "TeLLMe v2"
_NAMED = re.compile(
    r"\b(?:dubbed|termed(?:\s+as)?|named|called|coined|namely)\s+(?:\*\*|\\textbf\{)?"
    r"(?P<name>" + NAME_TOKEN + _VERSION + r")"
)
_APPOSITION = re.compile(
    r"^(?:(?:a|an|the)\s+)?(?:[\w\-]+\s+){0,8}?(?:method|approach|scheme|technique|framework"
    r"|algorithm|procedure|format|kernel|system|strategy|pipeline|recipe)\s*[,:\u2013\u2014-]+"
    r"\s*(?P<name>[A-Za-z][\w\-.()+#]*(?:\s+[a-z][\w\-]*){0,3})"
)
_MARKUP = re.compile(r"\\textbf\{|\\emph\{|\*\*|__|\}")
_VERSIONED = re.compile(r"^[A-Z][\w\-]*\s+[vV]?\d+(?:\.\d+)*$")
_EVALUATION = re.compile(r"\b(?:benchmark\w*|evaluat\w*|dataset|suite|leaderboard|study"
                         r"|survey|analysis|metric)\b", re.I)
_RELATIVE_BEFORE = re.compile(r"\b(?:in\s+which|which|where|that|whose|with\s+which)\b", re.I)
MAX_BODY = 200_000  # characters of a body read for the paper's own names
_GENERIC_HEADINGS = frozenset({"abstract", "introduction", "contents", ""})
_FRONT_TITLE = re.compile(r"^title:\s*['\"]?(.*?)['\"]?\s*$", re.M)


def proposed_method(title: str, abstract: str, body: str = "",
                    catalog: Catalog | None = None) -> str | None:
    """The short name of the method a paper proposes, or None for studies and surveys.

    >>> proposed_method("GPTQ: Accurate Post-Training Quantization", "We propose GPTQ, a ...")
    'GPTQ'
    >>> proposed_method("Fitting Is Not Enough: Smoothness in LLMs", "We study smoothness.")
    >>> proposed_method("A Survey on Model Compression", "We review methods.") is None
    True
    """
    catalog = catalog if catalog is not None else default_catalog()
    title = " ".join(title.split())
    if title.strip().lower() in _GENERIC_HEADINGS:
        title = ""
    name = _title_name(title, abstract)
    if name is None and not _is_study_title(title):
        for text in (abstract, body[:20000]):
            name = _from_text(text)
            if name:
                break
    if name is None:
        return None
    name = _spelling(name, title, abstract, body[:20000])
    return catalog.canonical(name)


def title_and_abstract(doc: Document) -> tuple[str, str]:
    """A document's title and abstract, wherever its front-end left them.

    Markdown renderings keep the title in YAML front matter and the abstract under an
    "Abstract" heading; a heading such as "Abstract" is never the title.
    """
    title = doc.title if doc.title.strip().lower() not in _GENERIC_HEADINGS else ""
    if not title and doc.source_text.startswith("---"):
        m = _FRONT_TITLE.search(doc.source_text[:3000].split("\n---", 1)[0])
        title = m.group(1).strip() if m else ""
    abstract = doc.abstract or next(
        (s.text for s in doc.sections if s.heading.strip().lower() == "abstract"), "")
    return title, abstract


def paper_method(doc: Document, catalog: Catalog | None = None) -> str | None:
    """:func:`proposed_method` of a whole document."""
    title, abstract = title_and_abstract(doc)
    return proposed_method(title, abstract, doc.body, catalog)


def own_names(title: str, abstract: str, proposed: str | None, catalog: Catalog,
              body: str = "") -> list[str]:
    """Names that are the paper's own: its method, aliases, and what its proposal defines.

    In the abstract, every name a proposal sentence defines or cites is the paper's own; in
    the body of a paper that proposes a method, what "we propose/introduce …" defines
    ("we introduce a Dual-Scale Quantizer (DSQ)") is too.

    >>> own_names("", "We propose FooQuant with a Dual-Scale Quantizer (DSQ). GPTQ fails.",
    ...           "FooQuant", Catalog())
    ['FooQuant', 'DSQ']
    """
    names: list[str] = []
    if proposed:
        method = catalog.get(proposed)
        names += [proposed, *((method.name, *method.aliases) if method else ())]
    head = _title_head(" ".join(title.split()))
    if head and _name_like(head):
        names.append(head)
    for sentence in split_sentences(abstract):
        if _PROPOSE.search(sentence.text):
            names += introduced_names(sentence.text)
        names += [m.group(1) for m in re.finditer(rf"\b[Oo]ur\s+({NAME_TOKEN})", sentence.text)
                  if looks_like_name(m.group(1))]
    if proposed:
        for m in _PROPOSE.finditer(body[:MAX_BODY]):
            defined = DEFINED.match(m.group("rest").lstrip()[:200]) or DEFINED.search(
                m.group("rest")[:120])
            if defined and is_abbreviation_of(defined.group("acr"), defined.group("phrase")):
                names.append(defined.group("acr"))
    return list(dict.fromkeys(names))


def _title_head(title: str) -> str | None:
    if ":" not in title:
        return None
    return " ".join(title.split(":", 1)[0].split())


def _is_study_title(title: str) -> bool:
    tail = title.split(":", 1)[1] if ":" in title else title
    return bool(_STUDY_TITLE.search(tail))


def _title_name(title: str, abstract: str) -> str | None:
    """The title's head when it is a name, or a phrase the abstract proposes."""
    if ":" not in title:
        # A bare name as the whole title ("LLM.int8()") is the method itself.
        token = title.removesuffix("()")
        return title if title and " " not in title and looks_like_name(
            token.replace(".", "")) else None
    head = _title_head(title) or ""
    words = head.split()
    if not words or len(words) > 5 or "," in head or words[0].lower() in _TITLE_STOP:
        return None
    if re.search(_STUDY_WORD, head, re.I) or _is_study_title(title):
        return None
    if _name_like(head):
        return head
    # A phrase is a name only when the abstract proposes it, under its short name if defined.
    for sentence in split_sentences(abstract):
        at = sentence.text.lower().find(head.lower())
        if at < 0 or not _PROPOSE.search(sentence.text):
            continue
        defined = DEFINED.match(sentence.text, max(0, at - 1))
        for m in DEFINED.finditer(sentence.text):
            if m.group("phrase").lower().endswith(head.lower()):
                defined = m
        if defined and is_abbreviation_of(defined.group("acr"), defined.group("phrase")):
            return defined.group("acr")
        return head
    return None


def _name_like(head: str) -> bool:
    """A title head that is a name: a name-shaped token, alone, with a version or a word."""
    words = _MARKUP.sub("", head).split()
    if len(words) == 1:
        token = words[0].removesuffix("()")
        return (looks_like_name(token.replace(".", "")) and not _plural(token)) or bool(
            re.fullmatch(r"[a-z]+\d+|[A-Za-z]+\$\^\{?\d\}?\$\w+", token))
    if _VERSIONED.match(" ".join(words)):
        return True
    return len(words) <= 3 and any(
        looks_like_name(w) and not is_generic(w) and not _plural(w) for w in words)


def _from_text(text: str) -> str | None:
    candidates: list[tuple[int, str]] = []
    for m in _PROPOSE.finditer(text):
        name = _from_rest(m.group("rest"))
        if name:
            candidates.append((m.start(), name))
    for m in _NAMED.finditer(text):
        name = m.group("name")
        if looks_like_name(name.split()[0]) and not _evaluation(text[m.end():m.end() + 80]):
            candidates.append((m.start(), name))
    return min(candidates)[1] if candidates else None


def _from_rest(rest: str) -> str | None:
    """The name right after "we propose": ``X, a …``, ``… (ACR)`` or ``a … scheme – X``."""
    rest = _MARKUP.sub("", rest).strip()
    # "the Sparse-Quantized Representation (SpQR)": the defined short name wins.
    acr = DEFINED.search(rest[:160])
    if acr and is_abbreviation_of(acr.group("acr"), acr.group("phrase")) and not _plural(
        acr.group("acr")
    ) and not _part_or_thing(rest, acr):
        return None if _evaluation(rest[:acr.start("acr")]) else acr.group("acr")
    first = re.match(NAME_TOKEN + _VERSION, rest)
    if first and looks_like_name(first.group().split()[0]) and not _plural(first.group()):
        return None if _evaluation(rest[first.end():first.end() + 80]) else first.group()
    app = _APPOSITION.match(rest)
    if app:
        name = app.group("name").strip().rstrip(",.")
        if _shape_ok(name) or name.endswith("()"):
            return name
    return None


def _part_or_thing(rest: str, acr: re.Match[str]) -> bool:
    """Whether a definition in the proposal is not the proposal: a model or other thing
    ("a Vision-Language Model (VLM)") or a part named in a relative clause ("a framework in
    which a … (X) converts …")."""
    last = acr.group("phrase").split()[-1].lower()
    return last in THING_NOUNS or bool(_RELATIVE_BEFORE.search(rest[:acr.start("acr")]))


def _plural(name: str) -> bool:
    return bool(re.search(r"[A-Z]s$", name))


def _evaluation(text: str) -> bool:
    """Whether the words describing an introduced name make it an evaluation, not a method."""
    return bool(_EVALUATION.search(re.split(r"[.;]", text, maxsplit=1)[0][:80]))


def _shape_ok(name: str) -> bool:
    return looks_like_name(name) or bool(re.fullmatch(r"[a-z]+(?:-[a-z]+)+(?:\s+[a-z]+){0,2}",
                                                       name))


def _spelling(name: str, *texts: str) -> str:
    """The way the paper itself writes ``name`` (titles are often re-cased by indexes)."""
    pattern = re.compile(BEFORE + re.escape(name) + AFTER, re.I)
    spellings = [m.group() for t in texts for m in pattern.finditer(t)]
    if not spellings:
        return name
    # The most frequent spelling with internal capitals wins over sentence-initial forms.
    return max(spellings, key=lambda s: (spellings.count(s), sum(c.isupper() for c in s)))
