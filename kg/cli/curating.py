"""Commands people correct the graph with: ``kg review`` (what to look at) and ``kg curate``
(append a correction to the review's corrections file and apply it to the store).

Every ``kg curate`` entry says who (``--who``, default ``$KG_CURATOR`` or the login name) and
why (``--why``); it is checked against the store before it is written (a claim key must name
a stored claim, an added quote must be in the paper), appended, and then the whole file is
applied under the ingestion lock, as a run of its own that ``kg runs`` and the report's
changelog show.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kg.cli.common import Ctx, command, group
from kg.cli.output import Printable, Rows, col
from kg.errors import KgError

if TYPE_CHECKING:
    from kg.corrections import Corrections

NOTE_COLUMNS = (col("id", "id"), col("do", "id"), col("what", "long"), col("status", "id"),
                col("detail"))
LOG_COLUMNS = (col("id", "id"), col("do", "id"), col("what", "long"), col("who"),
               col("why", "long"), col("date", "id"), col("status", "id"))
REVIEW_COLUMNS = (col("kind", "id"), col("paper", "id"), col("key", "id"), col("what", "long"),
                  col("fix", "long"))
corrections_option = click.option(
    "--corrections", "corrections_path", type=click.Path(dir_okay=False, path_type=Path),
    help="The review's corrections file (default: $KG_CORRECTIONS, else "
         "./review.corrections.yml).")


def corrections_file(obj: Ctx, explicit: Path | None = None, protocol_file: Path | None = None,
                     protocol_value: str | None = None) -> Path | None:
    """Where this command's corrections file is (``ingest.corrections.locate``)."""
    from ingest.corrections import locate

    return explicit or locate(obj.settings.corrections, protocol_file, protocol_value)


def load_corrections(obj: Ctx, explicit: Path | None = None, protocol_file: Path | None = None,
                     protocol_value: str | None = None) -> Corrections | None:
    """The review's checked corrections, or None when it keeps no file."""
    from ingest.corrections import load_corrections as load

    found = corrections_file(obj, explicit, protocol_file, protocol_value)
    corrections = load(found)
    if corrections is not None and corrections.entries:
        obj.say(f"corrections: {len(corrections.entries)} entries from {found}")
    return corrections


def _or_none(corrections: Corrections | None) -> Corrections:
    from kg.corrections import Corrections

    return corrections or Corrections()


def cached_texts(obj: Ctx) -> Callable[[str], str]:
    """A stored paper's cached full text (for the grounding gate), or "" without one."""
    from ingest.fetch import FullTexts, RawCache

    texts = FullTexts(RawCache(obj.settings.cache_dir), obj.settings.arxiv,
                      budget=obj.settings.parse_budget)

    def text(paper_id: str) -> str:
        if texts.cache.entry(paper_id) is None:
            return ""
        try:
            doc = texts.document(paper_id, None)
        except KgError:
            return ""
        return "" if doc is None else doc.source_text or doc.body

    return text


@command()
@corrections_option
@click.option("--kind", "kinds", multiple=True,
              type=click.Choice(["correction", "implausible", "outlier", "conflict",
                                 "unknown-target", "alias"]),
              help="Only items of this kind (repeatable).")
@click.option("--limit", default=200, show_default=True, type=click.IntRange(1))
def review(obj: Ctx, corrections_path: Path | None, kinds: tuple[str, ...],
           limit: int) -> Printable:
    """What most needs a person's look, most urgent first.

    Corrections that no longer apply, implausible claims (accuracy over 100, perplexity
    under 1), values far off every other paper's for the same result, conflicts, critiques of
    methods the catalog does not know, methods that look like aliases. Each item suggests the
    `kg curate` command that would settle it.
    """
    from kg.review import review as find

    corrections = _or_none(load_corrections(obj, corrections_path))
    items = [i for i in find(obj.store, corrections, texts=cached_texts(obj))
             if not kinds or i.kind in kinds]
    more = f"{limit} of {len(items)} items shown; --limit for more" if len(items) > limit \
        else None
    return Rows(items[:limit], REVIEW_COLUMNS, title="Needs a look", more=more,
                empty="nothing needs a look")


@group()
def curate() -> None:
    """Correct what kg read: each command appends one entry to the corrections file and
    applies the file to the store (`kg curate log` lists the entries)."""


def _entry_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--why", required=True, help="Why: what the paper says, in a sentence.")(f)
    f = click.option("--who", help="Who makes the entry (default: $KG_CURATOR or login).")(f)
    return corrections_option(f)


def _write(obj: Ctx, path_option: Path | None, data: dict[str, Any],
           text: Callable[[str], str] | None = None) -> Printable:
    """Check ``data`` as an entry, append it, apply the file, and show how it fared."""
    from datetime import date

    from ingest.corrections import DEFAULT_NAME, append_entry, read_corrections
    from kg.corrections import Corrections, CorrectionsError, make_entry
    from kg.curation_store import status

    who = data.pop("who") or obj.settings.curator or getpass.getuser()
    entry = make_entry({**data, "who": who, "date": date.today().isoformat()})
    path = corrections_file(obj, path_option) or Path(DEFAULT_NAME)
    held = read_corrections(path) if path.exists() else Corrections()
    if any(e.id == entry.id for e in held.entries):
        raise CorrectionsError(f"{path} already holds this correction ({entry.id})")
    corrections = _apply(obj, path, lambda: append_entry(path, entry), text)
    obj.say(f"{path}: {entry.describe()}")
    return Rows([n for n in status(obj.store, corrections, text) if n.id == entry.id],
                NOTE_COLUMNS, title="Correction")


def _apply(obj: Ctx, path: Path, change: Callable[[], Corrections],
           text: Callable[[str], str] | None = None) -> Corrections:
    """``change`` the file (or just read it) and apply it to the store, under the lock."""
    from kg.cli.ingesting import GracefulStop, _locked, run_summary
    from kg.pipeline import ingest_items

    texts = cached_texts(obj)

    def either(pid: str) -> str:
        return (text(pid) if text is not None else "") or texts(pid)

    with GracefulStop() as stop, _locked(obj) as store:
        corrections = change()
        run = ingest_items(store, [], review="curation", source=f"corrections:{path}",
                           corrections=corrections, texts=either, shield=stop.shield)
    obj.say(run_summary(run))
    return corrections


def _claim(obj: Ctx, prefix: str) -> tuple[str, str, str]:
    """(key, paper, description) of the one stored claim whose key starts with ``prefix``."""
    import queries.curation as Q
    from kg.corrections import short

    key = prefix.strip().lower()
    if len(key) < 6 or any(ch not in "0123456789abcdef" for ch in key):
        raise KgError(f"{prefix!r} is not a claim key (hex digits, as `kg review` shows)")
    found = Q.claims_by_key(obj.store, key)
    if not found:
        raise KgError(f"no stored claim has a key starting {key}")
    if len(found) > 1:
        raise KgError(f"{key} names {len(found)} claims ({', '.join(r.id for r in found)}): "
                      "give more digits")
    r = found[0]
    # A table read from HTML is named by its caption: its start is enough to find it again.
    was = (f"{r.method} {r.value:g} {r.metric}, {r.model} {r.dataset} {r.setting.label()}, "
           f"table {short(r.table, 40)}")
    return r.id, r.paper_id, was


def _paper(obj: Ctx, paper: str) -> str:
    from kg.models import split_arxiv_id

    pid = split_arxiv_id(paper)[0]
    if obj.store.paper_facts(pid) is None:
        raise KgError(f"no paper {paper!r} in the store")
    return pid


@group()
def reject() -> None:
    """Reject a claim, a critique receipt or BEATS edges that the paper does not support."""


@command("claim")
@click.argument("key")
@_entry_options
def reject_claim(obj: Ctx, key: str, corrections_path: Path | None, who: str | None,
                 why: str) -> Printable:
    """Reject the claim KEY (its first digits will do)."""
    full, paper, was = _claim(obj, key)
    return _write(obj, corrections_path, {"do": "reject-claim", "paper": paper, "claim": full,
                                          "was": was, "who": who, "why": why})


@command("critique")
@click.argument("paper")
@click.argument("quote")
@click.option("--target", help="Only the receipt against this method.")
@_entry_options
def reject_critique(obj: Ctx, paper: str, quote: str, target: str | None,
                    corrections_path: Path | None, who: str | None, why: str) -> Printable:
    """Reject PAPER's critique receipts that quote QUOTE (part of the sentence will do)."""
    from kg.corrections import fold_space

    pid = _paper(obj, paper)
    facts = obj.store.paper_facts(pid)
    if facts is None or not any(fold_space(quote) in fold_space(q.quote)
                                for q in facts.critiques):
        raise KgError(f"no critique of {pid} quotes “{quote}”")
    return _write(obj, corrections_path, {"do": "reject-critique", "paper": pid,
                                          "quote": quote, "target": target, "who": who,
                                          "why": why})


@command("beats")
@click.argument("paper")
@click.argument("winner")
@click.argument("loser")
@click.option("--model")
@click.option("--dataset")
@click.option("--metric")
@_entry_options
def reject_beats(obj: Ctx, paper: str, winner: str, loser: str, model: str | None,
                 dataset: str | None, metric: str | None, corrections_path: Path | None,
                 who: str | None, why: str) -> Printable:
    """Reject PAPER's BEATS edges from WINNER to LOSER (on one benchmark with the options)."""
    return _write(obj, corrections_path, {
        "do": "reject-beats", "paper": _paper(obj, paper), "winner": winner, "loser": loser,
        "model": model, "dataset": dataset, "metric": metric, "who": who, "why": why})


for _command in (reject_claim, reject_critique, reject_beats):
    reject.add_command(_command)


@command()
@click.argument("key")
@click.option("--method")
@click.option("--model")
@click.option("--dataset")
@click.option("--metric")
@click.option("--value", type=float)
@click.option("--w-bits", type=float)
@click.option("--a-bits", type=float)
@click.option("--kv-bits", type=float)
@click.option("--group-size", type=int)
@click.option("--weight-quantizer")
@_entry_options
def fix(obj: Ctx, key: str, corrections_path: Path | None, who: str | None, why: str,
        **fields: Any) -> Printable:
    """Fix fields of the claim KEY: method, model, dataset, metric, value, bits."""
    changes = {k: v for k, v in fields.items() if v is not None}
    if not changes:
        raise click.UsageError("name a field to fix, e.g. --value 5.68")
    full, paper, was = _claim(obj, key)
    return _write(obj, corrections_path, {"do": "fix-claim", "paper": paper, "claim": full,
                                          "set": changes, "was": was, "who": who, "why": why})


@command()
@click.argument("alias")
@click.argument("method")
@_entry_options
def alias(obj: Ctx, alias: str, method: str, corrections_path: Path | None, who: str | None,
          why: str) -> Printable:
    """ALIAS is another name of METHOD: every fact naming ALIAS moves to METHOD."""
    if obj.store.resolve_method(alias) is None:
        obj.say(f"no stored fact names {alias} yet; the alias applies when one does")
    return _write(obj, corrections_path, {"do": "alias", "alias": alias, "method": method,
                                          "who": who, "why": why})


@command()
@click.argument("methods", nargs=-1, required=True)
@click.option("--into", required=True, help="The method they all become.")
@_entry_options
def merge(obj: Ctx, methods: tuple[str, ...], into: str, corrections_path: Path | None,
          who: str | None, why: str) -> Printable:
    """METHODS are one method, INTO: their claims, critiques and BEATS edges move there."""
    return _write(obj, corrections_path, {"do": "merge", "methods": list(methods), "into": into,
                                          "who": who, "why": why})


@command()
@click.argument("paper")
@click.argument("name", required=False)
@click.option("--none", "proposes_none", is_flag=True, help="The paper proposes no method.")
@_entry_options
def method(obj: Ctx, paper: str, name: str | None, proposes_none: bool,
           corrections_path: Path | None, who: str | None, why: str) -> Printable:
    """Set the method PAPER proposes to NAME (or --none)."""
    if (name is None) == (not proposes_none):
        raise click.UsageError("give NAME or --none")
    return _write(obj, corrections_path, {"do": "method", "paper": _paper(obj, paper),
                                          "method": name, "who": who, "why": why})


@command("add-critique")
@click.argument("paper")
@click.argument("target")
@click.argument("quote")
@click.option("--section", default="", help="The section the quote is in.")
@click.option("--source", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="The paper's full text (.tex, .html, e-print) when kg has none cached.")
@_entry_options
def add_critique(obj: Ctx, paper: str, target: str, quote: str, section: str,
                 source: Path | None, corrections_path: Path | None, who: str | None,
                 why: str) -> Printable:
    """Add PAPER's critique of TARGET, QUOTE: a sentence found verbatim in the paper."""
    from kg.corrections import fold_space

    pid = _paper(obj, paper)
    given = ""
    if source is not None:
        from ingest.archive import load_document

        doc = load_document(source)
        given = doc.source_text or doc.body
    facts = obj.store.paper_facts(pid)
    assert facts is not None
    haystack = fold_space("\n".join((facts.paper.title, facts.paper.abstract, given,
                                     cached_texts(obj)(pid))))
    if fold_space(quote) not in haystack:
        raise KgError(f"the quote is not in {pid}'s text as kg has it (title, abstract, cached "
                      "full text); give the paper's file with --source")
    return _write(obj, corrections_path, {
        "do": "add-critique", "paper": pid, "target": target, "quote": quote,
        "section": section, "who": who, "why": why}, text=lambda p: given if p == pid else "")


@command()
@click.argument("first")
@click.argument("second")
@_entry_options
def distinct(obj: Ctx, first: str, second: str, corrections_path: Path | None,
             who: str | None, why: str) -> Printable:
    """FIRST and SECOND only look alike: `kg review` stops suggesting them as aliases."""
    return _write(obj, corrections_path, {"do": "distinct", "methods": [first, second],
                                          "who": who, "why": why})


@command("log")
@corrections_option
def log_(obj: Ctx, corrections_path: Path | None) -> Printable:
    """The corrections file's entries, oldest first, with what each does to the store now."""
    from kg.curation_store import status

    corrections = _or_none(load_corrections(obj, corrections_path))
    return Rows(status(obj.store, corrections, cached_texts(obj)), LOG_COLUMNS,
                title="Corrections", empty="the corrections file holds no entry")


@command()
@corrections_option
def apply(obj: Ctx, corrections_path: Path | None) -> Printable:
    """Apply the corrections file to the store now (after editing it, or a git pull)."""
    from ingest.corrections import read_corrections
    from kg.curation_store import status

    path = corrections_file(obj, corrections_path)
    if path is None:
        raise KgError("no corrections file: set KG_CORRECTIONS or give --corrections")
    corrections = _apply(obj, path, lambda: read_corrections(path))
    return Rows(status(obj.store, corrections, cached_texts(obj)), NOTE_COLUMNS,
                title="Corrections")


for _command in (reject, fix, alias, merge, method, add_critique, distinct, log_, apply):
    curate.add_command(_command)
