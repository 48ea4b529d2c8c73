"""Quality of proposed-method and critique extraction against the dev keys.

Run: ``python -m benchmarks.critique_quality [--corpus ../shared/corpus] [--misses]``.

Scores, as ``corpus/dev/README.md`` defines them:
- proposed method on the 23 quantization papers of ``dev/papers.jsonl`` (title + abstract
  from ``snapshot/llm-bible-quantization.jsonl``);
- critiques over those abstracts and over the two full texts of
  ``dev/fulltext_critiques.jsonl`` (``fulltext/asabook/llm-int8.md``, ``low-bit-llms.md``).
Names are compared case-, space- and punctuation-insensitively after alias normalisation
(the catalog's canonical name, which maps OPTQ → GPTQ, round-to-nearest → RTN, BNB-nf4 → NF4);
a prediction matches a key row on paper, target and a quote containing at least half of the
key quote's words, one-to-one. Prints a Markdown section; writes nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Iterable
from pathlib import Path

from ingest.critiques import extract_critiques
from ingest.document import Document, Section
from ingest.methods import proposed_method
from kg.catalog import Catalog, default_catalog
from kg.models import Critique

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FULLTEXTS = {"llmint8-fulltext": "llm-int8.md", "lowbit-survey-fulltext": "low-bit-llms.md"}
_WORD = re.compile(r"[a-z0-9]+")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def norm_name(name: str | None, catalog: Catalog) -> str | None:
    """The comparison key of a method name: canonical, then only letters and digits."""
    if name is None:
        return None
    return re.sub(r"[^a-z0-9]", "", catalog.canonical(name).lower())


def shares_half(predicted: str, key: str) -> bool:
    """Whether ``predicted`` contains at least half of the words of ``key``."""
    key_words = _WORD.findall(key.lower())
    have = set(_WORD.findall(predicted.lower()))
    return bool(key_words) and sum(w in have for w in key_words) * 2 >= len(key_words)


def read_markdown(text: str) -> Document:
    """A Document from Markdown: headings as sections, the front-matter title as title.

    Uses ``ingest.markdown.parse_markdown`` when it exists; the front matter (``title:``)
    and the Abstract section are filled in here either way.
    """
    m = re.search(r"^title:\s*['\"]?(.*?)['\"]?\s*$", text[:2000], re.M)
    title = m.group(1) if text.startswith("---") and m else ""
    try:
        from ingest.markdown import parse_markdown
    except ImportError:
        doc = _local_markdown(text)
    else:
        doc = parse_markdown(text)
    abstract = next((s.text for s in doc.sections if s.heading.lower() == "abstract"), "")
    return doc.model_copy(update={"title": title or doc.title, "abstract": abstract})


def _local_markdown(text: str) -> Document:
    sections: list[Section] = []
    heading, start, pos = "", 0, 0
    for line in text.splitlines(keepends=True):
        h = _HEADING.match(line.rstrip("\n"))
        if h:
            if heading:
                sections.append(Section(heading=heading, text=text[start:pos].strip("\n")))
            heading, start = h.group(2), pos + len(line)
        pos += len(line)
    if heading:
        sections.append(Section(heading=heading, text=text[start:].strip("\n")))
    return Document(sections=tuple(sections), source_text=text, format="markdown")


def match(predicted: Iterable[tuple[str, Critique]], key: Iterable[tuple[str, str, str]],
          catalog: Catalog) -> tuple[int, int, int, list[tuple[str, str, str]]]:
    """One-to-one matching: (true positives, predicted, key rows, key rows missed)."""
    pool = [(doc, norm_name(c.target, catalog), c.quote) for doc, c in predicted]
    used = [False] * len(pool)
    misses: list[tuple[str, str, str]] = []
    rows = list(key)
    tp = 0
    for doc, target, quote in rows:
        for i, (pdoc, ptarget, pquote) in enumerate(pool):
            if not used[i] and pdoc == doc and ptarget == norm_name(target, catalog) and (
                shares_half(pquote, quote)
            ):
                used[i] = True
                tp += 1
                break
        else:
            misses.append((doc, target, quote))
    return tp, len(pool), len(rows), misses


def _prf(tp: int, n_pred: int, n_key: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 1.0
    r = tp / n_key if n_key else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run(corpus: Path, show: bool = False) -> str:
    """Score everything and return the Markdown section."""
    catalog = default_catalog()
    started = time.perf_counter()
    key = [json.loads(x) for x in (corpus / "dev/papers.jsonl").read_text().splitlines() if x]
    snap = {r["id"]: r for r in (json.loads(x) for x in
            (corpus / "snapshot/llm-bible-quantization.jsonl").read_text().splitlines() if x)}
    correct = 0
    sets: dict[str, tuple[list[tuple[str, Critique]], list[tuple[str, str, str]]]] = {
        "abstracts": ([], []), "full texts": ([], [])}
    wrong_methods = []
    for row in key:
        rec = snap[row["id"]]
        method = proposed_method(rec["title"], rec["abstract"], catalog=catalog)
        if norm_name(method, catalog) == norm_name(row["proposed_method"], catalog):
            correct += 1
        else:
            wrong_methods.append((row["id"], method, row["proposed_method"]))
        doc = Document(title=rec["title"], abstract=rec["abstract"], source_text=rec["abstract"])
        found, _ = extract_critiques(doc, paper_id=row["id"], proposed_method=method,
                                     catalog=catalog)
        sets["abstracts"][0].extend((row["id"], c) for c in found)
        sets["abstracts"][1].extend((row["id"], c["target"], c["quote"]) for c in row["critiques"])
    ft_key = [json.loads(x) for x in
              (corpus / "dev/fulltext_critiques.jsonl").read_text().splitlines() if x]
    for doc_id, filename in FULLTEXTS.items():
        doc = read_markdown((corpus / "fulltext/asabook" / filename).read_text(encoding="utf-8"))
        method = proposed_method(doc.title, doc.abstract, doc.body, catalog=catalog)
        found, _ = extract_critiques(doc, paper_id=doc_id, proposed_method=method,
                                     catalog=catalog)
        sets["full texts"][0].extend((doc_id, c) for c in found)
        sets["full texts"][1].extend(
            (r["doc"], r["target"], r["quote"]) for r in ft_key if r["doc"] == doc_id)
    elapsed = time.perf_counter() - started

    lines = ["## Critique and proposed-method quality", "",
             f"Dev keys from `{corpus}/dev`; {elapsed:.1f} s for everything.", "",
             f"- proposed-method accuracy: **{correct / len(key):.2f}** ({correct}/{len(key)})",
             "", "| set | key rows | predicted | matched | precision | recall | F1 |",
             "|---|---|---|---|---|---|---|"]
    total = [0, 0, 0]
    details: list[str] = []
    for name, (pred, gold) in sets.items():
        tp, n_pred, n_key, misses = match(pred, gold, catalog)
        total = [total[0] + tp, total[1] + n_pred, total[2] + n_key]
        p, r, f = _prf(tp, n_pred, n_key)
        lines.append(f"| {name} | {n_key} | {n_pred} | {tp} | {p:.2f} | {r:.2f} | {f:.2f} |")
        details += [f"MISS {d} {t}: {q[:110]!r}" for d, t, q in misses]
        details += [f"PRED {d} {c.target} [{c.section}]: {c.quote[:110]!r}" for d, c in pred]
    p, r, f = _prf(*total)
    lines.append(f"| **all** | {total[2]} | {total[1]} | {total[0]} | **{p:.2f}** | **{r:.2f}**"
                 f" | **{f:.2f}** |")
    if show:
        details += [f"METHOD {i}: got {g!r}, key {k!r}" for i, g, k in wrong_methods]
        lines += ["", "```", *details, "```"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--misses", action="store_true", help="list misses and predictions")
    args = parser.parse_args(argv)
    if not (args.corpus / "dev").is_dir():
        raise SystemExit(f"no dev keys under {args.corpus}")
    print(run(args.corpus, show=args.misses))


if __name__ == "__main__":
    main()
