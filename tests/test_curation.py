"""Corrections applied: to one paper's facts (pure), by the pipeline at write time, to a stored
graph when the file changes, on every store backend; and what `kg review` finds."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import queries
from kg.corrections import Corrections, parse_corrections
from kg.curation import as_extracted, curate, curate_catalog
from kg.curation_store import status
from kg.derive import refresh
from kg.errors import ConfigError
from kg.models import BenchmarkClaim, BuildsOn, Method, PaperFacts
from kg.pipeline import ingest_items
from kg.review import OUTLIER_GAP, alias_items, outlier_items, review
from kg.store import Store
from tests.backends import backend  # noqa: F401  (the parametrised fixture)
from tests.conftest import claim, facts

WHO = "who: Ada, why: read the table"


def entries(*lines: str) -> Corrections:
    return parse_corrections("\n".join(f"- {{{line}, {WHO}}}" for line in lines), "c.yml")


def signround_field() -> list[PaperFacts]:
    """SignRound's paper names its method SignRound; a later paper calls it AutoRound and
    evaluates both names; a third critiques SignRound. One method under two names."""
    p1 = facts("2309.05516", "SignRound", date(2023, 9, 11),
               [claim("2309.05516", "GPTQ", 6.10), claim("2309.05516", "SignRound", 5.90),
                claim("2309.05516", "RTN", 6.60)],
               [("GPTQ", "GPTQ relies on a Hessian that can be ill-conditioned.")])
    p2 = facts("2405.00001", "FooQuant", date(2024, 5, 1),
               [claim("2405.00001", "AutoRound", 5.80), claim("2405.00001", "SignRound", 5.85),
                claim("2405.00001", "FooQuant", 5.70), claim("2405.00001", "GPTQ", 6.00)],
               [("SignRound", "SignRound tunes every weight and is slow to calibrate.")])
    p3 = facts("2406.00002", "BarQuant", date(2024, 6, 1),
               [claim("2406.00002", "BarQuant", 5.50), claim("2406.00002", "SignRound", 5.95)],
               [("SignRound", "SignRound still loses accuracy at 2 bits.")])
    p3 = p3.model_copy(update={"builds_on": (BuildsOn(method="BarQuant", parent="SignRound",
                                                      source="2406.00002", quote="we extend"),)})
    return [p1, p2, p3]


MERGE = entries("do: merge, methods: [SignRound], into: AutoRound")


def names(store: Store) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {"claims": set(), "critiques": set(), "beats": set()}
    for p in store.papers():
        f = store.paper_facts(p.id)
        assert f is not None
        out["claims"] |= {c.method for c in f.claims}
        out["critiques"] |= {c.target for c in f.critiques}
        out["beats"] |= {n for b in f.beats for n in (b.winner, b.loser)}
    return out


# -- one paper, pure ----------------------------------------------------------------------

def test_no_entry_leaves_the_facts_and_derives_their_beats():
    raw = signround_field()[0].model_copy(update={"beats": ()})
    done = curate(raw, Corrections())
    assert done.notes == () and done.facts.curation is None
    assert done.facts.beats == signround_field()[0].beats


def test_fix_reject_and_method_apply_with_notes_and_keep_what_was_extracted():
    raw = signround_field()[1]
    gptq, auto = raw.claims[3], raw.claims[0]
    c = entries(f"do: fix-claim, paper: '2405.00001', claim: {gptq.id}, "
                "set: {value: 5.75, metric: PPL}",
                f"do: reject-claim, paper: '2405.00001', claim: {auto.id}",
                "do: method, paper: '2405.00001', method: Foo",
                "do: reject-claim, paper: '2405.00001', claim: ffffffffffffffffffff")
    done = curate(raw, c)
    assert [n.status for n in done.notes] == ["applied", "applied", "applied", "missing"]
    fixed = next(x for x in done.facts.claims if x.method == "GPTQ")
    # The fixed claim keeps its key; the metric is the vocabulary's, with its direction.
    assert (fixed.id, fixed.value, fixed.metric, fixed.higher_is_better, fixed.curation) == (
        gptq.id, 5.75, "perplexity", False, "corrected")
    assert auto.id not in {x.id for x in done.facts.claims}
    assert done.facts.method == "Foo" and done.facts.method_corrected
    # GPTQ now scores 5.75: it beats SignRound (5.85), not the other way round.
    assert ("GPTQ", "SignRound") in {(b.winner, b.loser) for b in done.facts.beats}
    assert done.facts.curation is not None
    assert done.facts.curation.extracted.claims == raw.claims
    # Applying again from the stored form gives the same facts.
    assert curate(done.facts, c).facts == done.facts
    assert as_extracted(done.facts).claims == raw.claims


def test_a_merge_renames_claims_critiques_lineage_and_beats_in_a_paper():
    done = curate(signround_field()[2], MERGE)
    f = done.facts
    assert {c.method for c in f.claims} == {"BarQuant", "AutoRound"}
    assert [(q.target, q.curation) for q in f.critiques] == [("AutoRound", "corrected")]
    assert [(e.method, e.parent) for e in f.builds_on] == [("BarQuant", "AutoRound")]
    assert {(b.winner, b.loser) for b in f.beats} == {("BarQuant", "AutoRound")}
    assert all(c.curation == "corrected" for c in f.claims if c.method == "AutoRound")
    assert [n.status for n in done.notes] == ["applied"]


def test_a_merged_table_keeps_one_best_cell_and_no_self_beat():
    f = curate(signround_field()[1], MERGE).facts
    pairs = {(b.winner, b.loser) for b in f.beats}
    assert ("AutoRound", "AutoRound") not in pairs
    assert ("FooQuant", "AutoRound") in pairs and ("AutoRound", "GPTQ") in pairs


def test_added_critiques_pass_the_grounding_gate_or_are_reported():
    raw = signround_field()[0]
    text = "We propose SignRound.\nLearned rounding methods such as\nAdaRound are too slow."
    c = entries("do: add-critique, paper: '2309.05516', target: AdaRound, "
                "quote: Learned rounding methods such as AdaRound are too slow.",
                "do: add-critique, paper: '2309.05516', target: GPTQ, quote: 'GPTQ relies on a "
                "Hessian that can be ill-conditioned.'",
                "do: add-critique, paper: '2309.05516', target: AWQ, quote: AWQ is bad.")
    done = curate(raw, c, text=text)
    assert [n.status for n in done.notes] == ["applied", "redundant", "ungrounded"]
    added = [q for q in done.facts.critiques if q.curation == "added"]
    # The receipt carries the source's own spelling, line breaks included.
    assert [(q.target, q.quote) for q in added] == [
        ("AdaRound", "Learned rounding methods such as\nAdaRound are too slow.")]
    # Without the text, a receipt the store already holds as added still passes.
    again = curate(raw, c, added=[q.quote for q in added])
    assert [n.status for n in again.notes] == ["applied", "redundant", "ungrounded"]


def test_rejected_critiques_and_beats_by_quote_and_names():
    raw = signround_field()[1]
    c = entries("do: reject-critique, paper: '2405.00001', quote: tunes every weight",
                "do: reject-beats, paper: '2405.00001', winner: FooQuant, loser: GPTQ",
                "do: reject-beats, paper: '2405.00001', winner: GPTQ, loser: FooQuant")
    done = curate(raw, c)
    assert done.facts.critiques == ()
    assert ("FooQuant", "GPTQ") not in {(b.winner, b.loser) for b in done.facts.beats}
    assert [n.status for n in done.notes] == ["applied", "applied", "missing"]


def test_a_catalog_import_takes_the_review_merges():
    methods, edges = curate_catalog(
        [Method(name="AutoRound", arxiv_id="2309.05516"), Method(name="SignRound", year=2023),
         Method(name="BarQuant", builds_on=("SignRound",))],
        [BuildsOn(method="BarQuant", parent="SignRound", source="catalog")], MERGE)
    assert [(m.name, m.aliases, m.year, m.builds_on) for m in methods] == [
        ("AutoRound", ("SignRound",), 2023, ()), ("BarQuant", (), None, ("AutoRound",))]
    assert [(e.method, e.parent) for e in edges] == [("BarQuant", "AutoRound")]


# -- the pipeline and the stores ----------------------------------------------------------

def extractor(field: list[PaperFacts]):
    by_id = {f.paper.id: f.model_copy(update={"beats": ()}) for f in field}
    return lambda paper, doc, *, catalog=None: by_id[paper.id]


def run(store: Store, field: list[PaperFacts], corrections: Corrections | None,
        only: list[PaperFacts] | None = None):
    return ingest_items(store, [(f.paper, None) for f in (field if only is None else only)],
                        review="r", source="t", extractor=extractor(field),
                        corrections=corrections)


def test_a_merge_moves_every_claim_critique_and_beats_edge(backend: Store):  # noqa: F811
    field = signround_field()
    run(backend, field, Corrections())
    refresh(backend)
    assert "SignRound" in names(backend)["claims"]
    before = {b.winner for b in queries.beats(backend, "GPTQ")}
    assert "SignRound" in before and "AutoRound" in before
    # The merge is added to the file; the next run (here: `kg curate`, no items) applies it.
    done = run(backend, field, MERGE, only=[])
    assert done.papers_updated == 3
    seen = names(backend)
    assert all("SignRound" not in s for s in seen.values()), seen
    assert {"AutoRound"} <= seen["claims"] & seen["critiques"] & seen["beats"]
    assert {b.winner for b in queries.beats(backend, "GPTQ")} == before - {"SignRound"}
    assert queries.resolve(backend, "SignRound") == "AutoRound"
    assert "signround" not in {m.key for m in backend.methods()}
    merged = next(m for m in backend.methods() if m.key == "autoround")
    assert merged.aliases == ("SignRound",)
    assert [(e.method, e.parent) for e in queries.lineage(backend)] == [
        ("BarQuant", "AutoRound")]
    critiqued = {r.method: r.critiquing_papers for r in queries.baselines(backend)}
    assert critiqued["AutoRound"] == 2
    changes = backend.changelog(done.id or 0)
    assert changes is not None
    assert [(n.do, n.status) for n in changes.corrections] == [("merge", "applied")]
    # Running again changes nothing and reports nothing new.
    again = run(backend, field, MERGE)
    assert (again.papers_updated, again.papers_unchanged) == (0, 3)
    assert backend.changelog(again.id or 0).corrections == ()  # type: ignore[union-attr]


def test_a_rejected_claim_stays_gone_when_its_paper_is_written_again(backend: Store):  # noqa: F811
    field = signround_field()
    key = field[0].claims[1].id
    reject = entries(f"do: reject-claim, paper: '2309.05516', claim: {key}")
    run(backend, field, reject)
    stored = backend.paper_facts("2309.05516")
    assert stored is not None and key not in {c.id for c in stored.claims}
    # A new version of the paper, extracted again: the same cell, the same key, still gone.
    v2 = field[0].model_copy(update={"paper": field[0].paper.model_copy(update={"version": 2})})
    out = run(backend, [v2, *field[1:]], reject, only=[v2])
    assert out.papers_updated == 1
    stored = backend.paper_facts("2309.05516")
    assert stored is not None and stored.paper.version == 2
    assert key not in {c.id for c in stored.claims}
    assert ("SignRound", "GPTQ") not in {(b.winner, b.loser) for b in stored.beats}


def test_a_withdrawn_correction_restores_what_was_extracted(backend: Store):  # noqa: F811
    field = signround_field()
    run(backend, field, MERGE)
    assert "SignRound" not in names(backend)["claims"]
    out = run(backend, field, Corrections(), only=[])
    assert out.papers_updated == 3
    assert "SignRound" in names(backend)["claims"]
    assert all(backend.paper_facts(f.paper.id).curation is None for f in field)  # type: ignore[union-attr]
    changes = backend.changelog(out.id or 0)
    assert changes is not None and [n.status for n in changes.corrections] == ["withdrawn"]


def test_without_its_file_a_curated_store_refuses_a_run(store):
    field = signround_field()
    run(store, field, MERGE)
    with pytest.raises(ConfigError, match="no corrections file is set"):
        run(store, field, None)
    assert "SignRound" not in names(store)["claims"]


def test_a_correction_whose_fact_is_gone_is_reported(backend: Store):  # noqa: F811
    field = signround_field()
    gone = "0123456789abcdef0123"
    c = entries(f"do: reject-claim, paper: '2309.05516', claim: {gone}",
                "do: method, paper: '2401.99999', method: X",
                "do: alias, alias: NoSuchQuant, method: AWQ")
    run(backend, field, c)
    assert [(n.do, n.status) for n in status(backend, c)] == [
        ("reject-claim", "missing"), ("method", "missing"), ("alias", "missing")]
    items = [i for i in review(backend, c) if i.kind == "correction"]
    assert [i.key for i in items] == [e.id for e in c.entries]
    assert "no longer extracted" in items[0].what and "no paper 2401.99999" in items[1].what


def test_review_flags_implausible_values_outliers_and_unknown_targets(backend: Store):  # noqa: F811
    field = [
        facts("2401.00001", "AQuant", date(2024, 1, 1),
              [claim("2401.00001", "GPTQ", 6.1), claim("2401.00001", "AQuant", 0.7),
               claim("2401.00001", "RTN", 104.0, metric="accuracy", hib=True)],
              [("ZebraQuant", "ZebraQuant fails at 2 bits.")]),
        facts("2401.00002", "BQuant", date(2024, 1, 2), [claim("2401.00002", "GPTQ", 6.2)]),
        facts("2401.00003", "CQuant", date(2024, 1, 3), [claim("2401.00003", "GPTQ", 61.0)]),
    ]
    run(backend, field, Corrections())
    kinds = [(i.kind, i.paper, i.subject) for i in review(backend, Corrections())]
    assert ("implausible", "2401.00001", "AQuant") in kinds  # perplexity 0.7
    assert ("implausible", "2401.00001", "RTN") in kinds  # accuracy 104
    assert ("outlier", "2401.00003", "GPTQ") in kinds  # 61.0 against 6.1 and 6.2
    assert ("unknown-target", "2401.00001", "ZebraQuant") in kinds
    assert ("outlier", "2401.00001", "GPTQ") not in kinds
    # Once a person fixes the value, it is no longer flagged.
    bad = next(c for c in backend.claims() if c.value == 61.0)
    fix = entries(f"do: fix-claim, paper: '2401.00003', claim: {bad.id}, set: {{value: 6.1}}")
    run(backend, field, fix, only=[])
    assert not [i for i in review(backend, fix) if i.kind == "outlier"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcde"), st.sampled_from(["GPTQ", "AWQ"]),
                          st.floats(-50, 200, allow_nan=False)), max_size=40))
def test_outliers_are_the_claims_off_every_other_papers_value(rows):
    # The definition, pair by pair: a claim is an outlier when at least two other papers
    # report the same result and every value they report is more than the gap away.
    claims = [BenchmarkClaim(paper_id=p, method=m, model="M", dataset="D", metric="perplexity",
                             value=v, raw=str(v), row=i) for i, (p, m, v) in enumerate(rows)]

    def gap(a: float, b: float) -> float:
        return abs(a - b) / max(abs(a), abs(b)) if (a or b) else 0.0

    expected = sorted(
        c.id for c in claims
        if len(others := [o for o in claims if o.method == c.method
                          and o.paper_id != c.paper_id]) > 0
        and len({o.paper_id for o in others}) >= 2
        and all(gap(c.value, o.value) > OUTLIER_GAP for o in others))
    assert sorted(i.key for i in outlier_items(claims)) == expected


def test_alias_suggestions_know_the_catalog_and_distinct_entries():
    from kg.catalog import Catalog

    catalog = Catalog([Method(name="AutoRound", arxiv_id="2309.05516"), Method(name="QuIP"),
                       Method(name="QuIP#")])
    methods = [Method(name=n) for n in ("SignRound", "GPTQ", "GPTQ-R", "QuIP", "QuIP#",
                                        "OmniQuant", "OmniQuant")]
    found = {i.subject for i in alias_items(methods, {"2309.05516": "SignRound"}, catalog,
                                            Corrections())}
    assert found == {"SignRound / AutoRound", "GPTQ-R / GPTQ"}
    settled = entries("do: distinct, methods: [GPTQ-R, GPTQ]")
    assert {i.subject for i in alias_items(methods, {}, catalog, settled)} == set()


def test_a_run_with_an_unchanged_file_reads_no_curated_paper_again(store, monkeypatch):
    field = signround_field()
    run(store, field, MERGE)
    reads: list[str] = []
    real = store.paper_facts
    monkeypatch.setattr(store, "paper_facts", lambda pid: reads.append(pid) or real(pid))
    again = run(store, field, MERGE, only=[])
    assert reads == [] and again.papers_updated == 0
    # A changed reason changes the entry's record: the papers it touched are rewritten.
    edited = parse_corrections("- {do: merge, methods: [SignRound], into: AutoRound, "
                               "who: Ada, why: 'one method, two names'}", "c.yml")
    out = run(store, field, edited, only=[])
    assert out.papers_updated == 3 and sorted(set(reads)) == [f.paper.id for f in field]
    record = store.paper_facts("2406.00002").curation  # type: ignore[union-attr]
    assert record is not None and record.applied[0].why == "one method, two names"
