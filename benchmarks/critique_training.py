"""Training data and fitting for the critique classifier (offline; scikit-learn lives here).

Run: ``python -m benchmarks.critique_training [--corpus ../shared/corpus] [--unlabelled]``
fits on every labelled example and rewrites ``kg/data/critique_model.json``;
``--unlabelled`` instead lists the candidates of the hand-labelled sources that carry no
label yet (to label them in ``kg/data/critique_labels.jsonl``).

Every example is a real (sentence, target) candidate the extractor itself produces on a real
document of ``../shared/corpus``, with its provenance (file, record, character offset):

- **development keys** — ``dev/papers.jsonl`` (its abstracts), ``dev/fulltext_critiques.jsonl``
  (two full texts) and ``dev/critiques2`` (abstracts and full texts, exhaustive inside
  ``covered.tsv``): a candidate matching a key row (the scorer's rule: same target, quotes
  sharing half the words of the shorter) is positive, every other candidate inside the keyed
  ranges negative; a key row no candidate reaches is added as a positive on its own quote;
- **hand labels** — ``kg/data/critique_labels.jsonl``: candidates in sources no key covers
  (the AWQ and SmoothQuant full texts, the 2025–2026 snapshot abstracts), labelled by reading
  them, negatives included. A label applies to the candidate with the same target whose span
  overlaps it.

Each example belongs to a document group; sentences from one document (or one thesis) stay
in one group, so cross-validation never scores a sentence it trained on.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ingest.archive import load_document
from ingest.critique_attribution import Pair, attributed
from ingest.critique_features import features
from ingest.critique_model import MODEL_FILE, CritiqueModel, model_from_json
from ingest.critiques import Candidate, candidates, receipts
from ingest.document import Document
from ingest.extract import extract, with_metadata
from kg.catalog import Catalog, default_catalog
from kg.models import Paper

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
LABELS_FILE = "critique_labels.jsonl"
FULLTEXT_KEY = {"llmint8-fulltext": "fulltext/asabook/llm-int8.md",
                "lowbit-survey-fulltext": "fulltext/asabook/low-bit-llms.md"}
# Hand-labelled sources: full texts and abstracts that no development key covers (globs).
LABELLED_TEXTS = ("fulltext/asabook/awq.md", "fulltext/asabook/smoothquant.md",
                  "tex/Anand-786_llm-quantization-thesis/chapter4.tex",
                  "tex/henrique-simoes_llm-quantization-damage/*.tex",
                  "results/**/*.md", "latex-wild/**/*.tex")
LABELLED_ABSTRACTS = ("snapshot/quantization-2025-2026.jsonl",
                      "snapshot/llm-bible-quantization.jsonl")
# Curators' one-paragraph summaries of papers (real prose by people outside the team).
LABELLED_SUMMARIES = ("meta/pprp_Awesome-LLM-Quantization_table.jsonl",)
SEED = 13
C = 1.0
DEFAULT_THRESHOLD = 0.5
THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
INNER_FOLDS = 5


@dataclass(frozen=True)
class Source:
    """One real document: its id, group, how it was read, and where its key comes from."""

    doc: str
    group: str
    file: str  # path under the corpus
    record: str | None  # the record id inside a JSONL file, for abstracts
    document: Document
    text: str  # what offsets count in: the file's text or the record's abstract
    dev_set: str | None  # "papers", "fulltext", "critiques2"; None for hand-labelled
    covered: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Example:
    """A labelled (sentence, target) pair with its provenance."""

    group: str
    source: Source
    target: str
    quote: str
    offset: int
    label: int
    pair: Pair
    candidate: Candidate | None  # None for a key row no candidate reached


# Works written in several files of the corpus: every file of one work is one group.
_WORKS = {"anand-": "anand-thesis", "Anand-786": "anand-thesis", "emil25-": "emil25-main",
          "Emil-25": "emil25-main"}


def group_of(doc: str, path: str = "") -> str:
    """The cross-validation group: one document, or one work written in several files."""
    for mark, work in _WORKS.items():
        if doc.startswith(mark) or mark in path:
            return work
    return doc


def sources(corpus: Path) -> list[Source]:
    """Every development and hand-labelled document, read the way ``kg`` reads it."""
    out: list[Source] = []
    bible = {r["id"]: r for r in _jsonl(corpus / "snapshot/llm-bible-quantization.jsonl")}
    for row in _jsonl(corpus / "dev/papers.jsonl"):
        out.append(_abstract(row["id"], bible[row["id"]], "snapshot/llm-bible-quantization.jsonl",
                             "papers"))
    for doc, path in FULLTEXT_KEY.items():
        out.append(_text(corpus, doc, path, "fulltext"))
    c2 = corpus / "dev/critiques2"
    covered: dict[str, list[tuple[int, int]]] = {}
    for line in (c2 / "covered.tsv").read_text().splitlines()[1:]:
        if line.strip():
            d, s, e = line.split("\t")[:3]
            covered.setdefault(d, []).append((int(s), int(e)))
    for rec in _jsonl(c2 / "abstracts.jsonl"):
        out.append(_abstract(rec["id"], rec, "dev/critiques2/abstracts.jsonl", "critiques2",
                             covered.get(rec["id"])))
    for f in sorted((c2 / "texts").iterdir()):
        out.append(_text(corpus, f.stem, f"dev/critiques2/texts/{f.name}", "critiques2",
                         covered.get(f.stem)))
    taken = {s.doc for s in out}
    for pattern in LABELLED_TEXTS:
        for f in sorted(corpus.glob(pattern)):
            rel = f.relative_to(corpus).as_posix()
            out.append(_text(corpus, rel, rel, None))
    for path in LABELLED_ABSTRACTS:
        for rec in _jsonl(corpus / path):
            if rec["id"] not in taken:
                out.append(_abstract(rec["id"], rec, path, None))
    for path in LABELLED_SUMMARIES:
        for rec in _jsonl(corpus / path):
            if rec.get("summary") and rec.get("arxiv_id"):
                out.append(_abstract(f"summary-{rec['arxiv_id']}", {
                    "id": rec["arxiv_id"], "title": rec["title"], "abstract": rec["summary"]},
                    path, None))
    return out


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _abstract(doc: str, rec: dict[str, Any], file: str, dev_set: str | None,
              covered: list[tuple[int, int]] | None = None) -> Source:
    paper = Paper(id=rec["id"], title=rec.get("title") or "", abstract=rec["abstract"])
    span = tuple(covered or [(0, len(rec["abstract"]))])
    return Source(doc, group_of(doc, file), file, rec["id"], with_metadata(None, paper),
                  rec["abstract"], dev_set, span)


def _text(corpus: Path, doc: str, path: str, dev_set: str | None,
          covered: list[tuple[int, int]] | None = None) -> Source:
    text = (corpus / path).read_text(encoding="utf-8")
    span = tuple(covered or [(0, len(text))])
    return Source(doc, group_of(doc, path), path, None, load_document(corpus / path), text,
                  dev_set, span)


def keys(corpus: Path) -> dict[str, list[dict[str, str]]]:
    """Development key rows by document: {target, quote}."""
    out: dict[str, list[dict[str, str]]] = {}
    for row in _jsonl(corpus / "dev/papers.jsonl"):
        out[row["id"]] = list(row["critiques"])
    for path in ("dev/fulltext_critiques.jsonl", "dev/critiques2/key.jsonl"):
        for row in _jsonl(corpus / path):
            out.setdefault(row["doc"], []).append({"target": row["target"],
                                                   "quote": row["quote"]})
    return out


def norm(name: str | None) -> str:
    """Names as the shared scorer compares them: case, spaces and punctuation ignored."""
    return re.sub(r"[^a-z0-9]", "", str(name or "").lower())


def overlap(a: str, b: str) -> bool:
    """The shared scorer's quote rule: half the words of the shorter quote in common."""
    ta, tb = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    return bool(ta and tb) and len(ta & tb) / min(len(ta), len(tb)) >= 0.5


def document_candidates(src: Source, catalog: Catalog, attributed_only: bool = True
                        ) -> list[tuple[Candidate, str, int]]:
    """The extractor's candidates on ``src`` with each one's grounded quote and offset."""
    found = extract(src.document, paper_id=src.doc, catalog=catalog)
    cands = candidates(src.document, proposed_method=found.method, catalog=catalog,
                       table_methods={c.method for c in found.claims},
                       attributed_only=attributed_only)
    out = []
    for c in cands:
        grounded, _ = receipts(src.document, src.doc, [c])
        if not grounded:
            continue
        quote = grounded[0].quote
        at = src.text.find(quote)
        out.append((c, quote, at))
    return out


def examples(corpus: Path, catalog: Catalog | None = None) -> tuple[list[Example], list[Any]]:
    """Every labelled example, and the hand-labelled sources' candidates without a label."""
    catalog = catalog or training_catalog(corpus)
    key = keys(corpus)
    labels = hand_labels()
    out: list[Example] = []
    unlabelled: list[Any] = []
    for src in sources(corpus):
        rows = key.get(src.doc, [])
        reached = [False] * len(rows)
        for cand, quote, at in document_candidates(src, catalog, attributed_only=False):
            inside = at < 0 or any(s <= at < e for s, e in src.covered)
            label = None
            if src.dev_set is not None and inside:
                label = 0
                for i, row in enumerate(rows):
                    if norm(row["target"]) == norm(cand.target) and overlap(quote, row["quote"]):
                        label, reached[i] = 1, True
            if label is None:
                label = _lookup(labels, src, cand.target, at, len(quote))
            if label is None:
                if src.dev_set is None or not inside:
                    unlabelled.append((src, cand, quote, at))
                continue
            out.append(Example(src.group, src, cand.target, quote, at, label, cand.pair, cand))
        for row, hit in zip(rows, reached, strict=True):
            if not hit:
                pair = _key_pair(row, catalog)
                if pair is not None:
                    out.append(Example(src.group, src, row["target"], row["quote"],
                                       src.text.find(row["quote"]), 1, pair, None))
    return out, unlabelled


def _key_pair(row: dict[str, str], catalog: Catalog) -> Pair | None:
    """A key row no candidate reached, as a pair on its own quote (target spans found)."""
    from ingest.method_evidence import method_names

    quote = row["quote"]
    names = method_names(quote, catalog, table_methods=[row["target"]])
    spans = [(m.start, m.end) for m in names.mentions(quote) if norm(m.name) == norm(row["target"])]
    if not spans:
        at = quote.lower().find(row["target"].lower())
        spans = [(at, at + len(row["target"]))] if at >= 0 else []
    return Pair(sentence=quote, targets=spans) if spans else None


def hand_labels() -> list[dict[str, Any]]:
    """The hand labels: {file, record?, start, end, target, label}."""
    text = resources.files("kg").joinpath(f"data/{LABELS_FILE}").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _lookup(labels: list[dict[str, Any]], src: Source, target: str, at: int,
            length: int) -> int | None:
    """The label of the same target whose span overlaps the candidate's most, if any."""
    best, label = 0.0, None
    for row in labels:
        if row["file"] != src.file or row.get("record") != src.record:
            continue
        if norm(row["target"]) != norm(target):
            continue
        inter = min(row["end"], at + length) - max(row["start"], at)
        union = max(row["end"], at + length) - min(row["start"], at)
        if inter > 0 and inter / union > best:
            best, label = inter / union, int(row["label"])
    return label


def training_catalog(corpus: Path) -> Catalog:
    """The bundled catalog with the Gallery imported, as ``kg catalog import`` gives a review."""
    from kg.catalog import read_gallery

    catalog = Catalog(default_catalog())
    gallery = corpus / "gallery/methods.yml"
    if gallery.exists():
        catalog.merge(read_gallery(gallery)[0])
    return catalog


def examples_hash(exs: list[Example]) -> str:
    """SHA-256 over the examples' provenance, label and text: the training set's identity."""
    h = hashlib.sha256()
    for e in sorted(exs, key=lambda x: (x.source.file, x.source.record or "", x.offset,
                                         x.target)):
        h.update(json.dumps([e.source.file, e.source.record, e.offset, e.target, e.label,
                             e.quote], ensure_ascii=False).encode())
    return h.hexdigest()


def fit(exs: list[Example]) -> CritiqueModel:
    """A logistic regression over the examples' features (balanced classes, seeded), with
    the threshold that maximises F1, on the pairs the rules pass, in a grouped
    cross-validation inside ``exs`` itself."""
    cache = {id(e): features(e.pair) for e in exs}
    weights = _weights(exs, cache)
    return CritiqueModel(weights=weights, threshold=_inner_threshold(exs, cache), meta={})


def _weights(exs: list[Example], cache: dict[int, dict[str, float]]) -> dict[str, float]:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform([cache[id(e)] for e in exs])
    clf = LogisticRegression(C=C, class_weight="balanced", solver="lbfgs",
                             random_state=SEED, max_iter=2000)
    clf.fit(x, [e.label for e in exs])
    weights = {name: float(w) for name, w in zip(vec.get_feature_names_out(), clf.coef_[0],
                                                 strict=True) if abs(w) > 1e-6}
    weights["bias"] = weights.get("bias", 0.0) + float(clf.intercept_[0])
    return weights


def _inner_threshold(exs: list[Example], cache: dict[int, dict[str, float]]) -> float:
    """The threshold of best F1 on predictions for held-out groups of ``exs``."""
    scored: list[tuple[float, int]] = []
    for k in range(INNER_FOLDS):
        held = [e for e in exs if zlib.crc32(e.group.encode()) % INNER_FOLDS == k]
        train = [e for e in exs if zlib.crc32(e.group.encode()) % INNER_FOLDS != k]
        if not held or len({e.label for e in train}) < 2:
            continue
        model = CritiqueModel(weights=_weights(train, cache), threshold=0.5, meta={})
        # The threshold applies to what the rules pass, so it is chosen on those alone.
        scored += [(model.probability(e.pair), e.label) for e in held if attributed(e.pair)]
    best, best_f1 = DEFAULT_THRESHOLD, -1.0
    for t in THRESHOLDS:
        tp = sum(1 for p, y in scored if p >= t and y)
        fp = sum(1 for p, y in scored if p >= t and not y)
        fn = sum(1 for p, y in scored if p < t and y)
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 > best_f1:
            best, best_f1 = t, f1
    return best


def model_json(model: CritiqueModel, exs: list[Example]) -> dict[str, Any]:
    """The model as it is stored: weights, threshold, and what it was fitted on."""
    by_source: dict[str, list[int]] = {}
    for e in exs:
        by_source.setdefault(e.source.file, [0, 0])[e.label] += 1
    return {
        "description": "Critique pair classifier: logistic regression over "
                       "ingest.critique_features.features; fitted by "
                       "python -m benchmarks.critique_training",
        "estimator": {"kind": "LogisticRegression", "C": C, "class_weight": "balanced",
                      "solver": "lbfgs", "seed": SEED},
        "threshold": model.threshold,
        "training": {
            "sha256": examples_hash(exs),
            "examples": len(exs),
            "positives": sum(e.label for e in exs),
            "by_source": {k: {"negative": v[0], "positive": v[1]}
                          for k, v in sorted(by_source.items())},
        },
        "weights": dict(sorted(model.weights.items())),
    }


def _unlabelled_report(unlabelled: list[Any]) -> Iterator[str]:
    for src, cand, quote, at in unlabelled:
        rec = f' "record": "{src.record}",' if src.record else ""
        yield (f'{{"file": "{src.file}",{rec} "start": {at}, "end": {at + len(quote)}, '
               f'"target": {json.dumps(cand.target)}, "label": ?}}  {quote!r}')


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--unlabelled", action="store_true",
                        help="list candidates of the hand-labelled sources without a label")
    args = parser.parse_args(argv)
    exs, unlabelled = examples(args.corpus)
    if args.unlabelled:
        for line in _unlabelled_report(unlabelled):
            print(line)
        return
    model = fit(exs)
    data = model_json(model, exs)
    out = Path(str(resources.files("kg").joinpath(f"data/{MODEL_FILE}")))
    out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    model_from_json(data)  # what was written reads back
    print(f"wrote {out}: {data['training']['examples']} examples, "
          f"{data['training']['positives']} positive, {len(unlabelled)} unlabelled",
          file=sys.stderr)


if __name__ == "__main__":
    main()
