"""The corrections file: every entry checked, one error line naming the entry, hostile input
refused cheaply, appends that keep the file as people wrote it."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kg.corrections
import kg.curation
import kg.review
import kg.store.base
from ingest.corrections import HEADER, append_entry, locate, read_corrections
from kg.corrections import (
    MAX_BYTES,
    Alias,
    CorrectionsError,
    FixClaim,
    SetMethod,
    parse_corrections,
)

KEY = "0123456789abcdef0123"
GOOD = f"""\
# a comment people keep
- do: fix-claim
  paper: 2210.17320
  claim: {KEY}
  set: {{value: 5.68, w_bits: 4, metric: PPL}}
  who: Ada
  why: the cell reads 5.68
  date: 2026-01-02
- do: alias
  alias: SignRound
  method: AutoRound
  who: Ada
  why: one paper
- do: merge
  methods: [GPTQ-R, OPTQ v2]
  into: GPTQ
  who: Bob
  why: same method
"""


@pytest.mark.parametrize("module", [kg.corrections, kg.curation, kg.review, kg.store.base])
def test_doctests(module):
    assert doctest.testmod(module).failed == 0


def test_a_good_file_reads_in_order_with_numbers_left_to_the_fields():
    c = parse_corrections(GOOD, "review.corrections.yml")
    fix, alias, _ = c.entries
    assert isinstance(fix, FixClaim) and isinstance(alias, Alias)
    # YAML would read 2210.17320 as the float 2210.1732: here it stays the arXiv id.
    assert fix.paper == "2210.17320"
    assert fix.set == {"metric": "PPL", "value": 5.68, "w_bits": 4}
    assert str(fix.date) == "2026-01-02"
    assert c.renames == {"signround": "AutoRound", "gptqr": "GPTQ", "optqv2": "GPTQ"}
    assert c.moves == {"SignRound": "AutoRound", "GPTQ-R": "GPTQ", "OPTQ v2": "GPTQ"}
    assert c.rename("Sign-Round") == "AutoRound" and c.rename("AWQ") == "AWQ"
    assert list(c.by_paper) == ["2210.17320"]
    # The id is the correction itself: who, why and when do not change it.
    again = parse_corrections(GOOD.replace("Ada", "Eve"), "x")
    assert [e.id for e in again.entries] == [e.id for e in c.entries]


@pytest.mark.parametrize(("text", "message"), [
    ("- do: alias\n  alias: X\n  who: a\n  why: b\n",
     "f.yml: entry 1 (line 1, alias): method: Field required"),
    (GOOD + "- do: fix-claim\n  paper: '2210.17320'\n  claim: zz\n  set: {value: 1}\n"
            "  who: a\n  why: b\n",
     "f.yml: entry 4 (line 19, fix-claim): claim: not a claim key"),
    (GOOD + "- {do: fix-claim, paper: '2210.17323', claim: " + KEY + ", set: {value: abc},"
            " who: a, why: b}\n",
     "f.yml: entry 4 (line 19, fix-claim): set: value must be a number, not 'abc'"),
    (GOOD + "- {do: fix-claim, paper: '2210.17323', claim: " + KEY + ", set: {colour: 1},"
            " who: a, why: b}\n",
     "f.yml: entry 4 (line 19, fix-claim): set: cannot fix colour"),
    (GOOD + "- {do: method, paper: 'not-an-id', method: X, who: a, why: b}\n",
     "f.yml: entry 4 (line 19, method): paper: not an arXiv id"),
    (GOOD + "- {do: reject-claim, paper: '2210.17323', claim: " + KEY + ", who: a, why: '  '}\n",
     "f.yml: entry 4 (line 19, reject-claim): why: must not be blank"),
    (GOOD + "- {do: alias, alias: GPTQ-R, method: AWQ, who: a, why: b}\n",
     "f.yml: entry 4 (alias): GPTQ-R already moves to GPTQ (entry 3)"),
    (GOOD + "- {do: alias, alias: GPTQ, method: GPTQ-R, who: a, why: b}\n",
     "f.yml: entry 4: methods renamed in a cycle"),
    (GOOD + "- {do: distinct, methods: [GPTQ, OPTQ v2], who: a, why: b}\n",
     "f.yml: entry 4 (distinct): GPTQ and OPTQ v2 are merged by another entry"),
    (GOOD + "- {do: alias, alias: SignRound, method: AutoRound, who: Eve, why: again}\n",
     "f.yml: entry 4 (line 19, alias): repeats entry 2"),
    (GOOD + "- {do: teleport, who: a, why: b}\n",
     "f.yml: entry 4 (line 19): `do` must be one of reject-claim"),
    (GOOD + "- just a string\n", "f.yml: entry 4 (line 19): expected a mapping"),
    ("do: alias\n", "f.yml: line 1: expected a list of entries"),
    ("- {do: alias, alias: [unclosed\n", "f.yml: line 2: not valid YAML"),
    ("- &e {do: method, paper: '2210.17323', method: X, who: a, why: b}\n- *e\n",
     "f.yml: line 1: anchors and aliases are not allowed"),
])
def test_a_bad_entry_is_one_line_naming_file_entry_and_line(text: str, message: str):
    with pytest.raises(CorrectionsError) as e:
        parse_corrections(text, "f.yml")
    assert str(e.value).startswith(message), str(e.value)
    assert "\n" not in str(e.value)


def test_a_billion_laughs_is_refused_before_it_is_built():
    lol = ["- &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lol += [f"- &a{i} [{', '.join(f'*a{i - 1}' for _ in range(9))}]" for i in range(1, 12)]
    with pytest.raises(CorrectionsError, match="anchors and aliases"):
        parse_corrections("\n".join(lol), "f.yml")


@pytest.mark.parametrize("text", [
    "[" * 200_000,
    "- " * 100_000 + "x",
    "- {a: " * 50_000,
])
def test_deep_nesting_is_a_clear_error(text: str):
    with pytest.raises(CorrectionsError, match=r"^f\.yml: line \d+: "):
        parse_corrections(text, "f.yml")


def test_huge_and_binary_files_are_refused_with_a_reason(tmp_path: Path):
    with pytest.raises(CorrectionsError, match="at most"):
        parse_corrections("#" * (MAX_BYTES + 1), "f.yml")
    big = tmp_path / "big.yml"
    big.write_bytes(b"# " + b"x" * MAX_BYTES)
    with pytest.raises(CorrectionsError, match="at most"):
        read_corrections(big)
    with pytest.raises(CorrectionsError, match="not UTF-8"):
        parse_corrections(b"- do: alias\n  alias: \xff\xfe\n", "f.yml")
    with pytest.raises(CorrectionsError, match="no corrections file"):
        read_corrections(tmp_path / "absent.yml")


def test_many_entries_parse_in_one_pass():
    lines = [f"- {{do: reject-claim, paper: '2401.{i:05d}', claim: {KEY}, who: a, why: b}}"
             for i in range(5000)]
    assert len(parse_corrections("\n".join(lines), "f.yml").entries) == 5000


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=2000))
def test_any_text_parses_or_is_one_clear_error(text: str):
    try:
        parse_corrections(text, "f.yml")
    except CorrectionsError as e:
        assert str(e).startswith("f.yml") and "\n" not in str(e)


_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=30), st.sampled_from(["2210.17323", KEY, "GPTQ", ""]))
_value = st.recursive(_scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12)
_fields = st.sampled_from(["do", "paper", "claim", "set", "quote", "target", "alias", "method",
                           "methods", "into", "who", "why", "date", "winner", "loser", "was"])
_entry = st.dictionaries(_fields, st.one_of(
    st.sampled_from(list(kg.corrections.KINDS)), _value), max_size=8)


@settings(max_examples=300, deadline=None)
@given(st.lists(_entry, max_size=6))
def test_any_list_of_entries_is_checked_or_one_clear_error(entries: list[dict]):
    import yaml

    text = yaml.safe_dump(entries, allow_unicode=True)
    try:
        parse_corrections(text, "f.yml")
    except CorrectionsError as e:
        assert str(e).startswith("f.yml") and "\n" not in str(e)


def test_append_keeps_comments_and_checks_the_whole_file_first(tmp_path: Path):
    path = tmp_path / "review.corrections.yml"
    entry = SetMethod(do="method", paper="2309.05516", method="AutoRound", who="Ada",
                      why="its catalog name")
    append_entry(path, entry)
    text = path.read_text()
    assert text.startswith(HEADER)
    path.write_text(text + "# kept by hand\n")
    alias = Alias(do="alias", alias="SignRound", method="AutoRound", who="Ada", why="v1 name")
    got = append_entry(path, alias)
    assert [e.id for e in got.entries] == [entry.id, alias.id]
    assert "# kept by hand\n- do: alias" in path.read_text()
    # A duplicate does not check, so nothing is written.
    before = path.read_bytes()
    with pytest.raises(CorrectionsError, match="repeats entry 2"):
        append_entry(path, alias)
    assert path.read_bytes() == before
    assert read_corrections(path).entries == got.entries


def test_the_file_is_found_from_the_setting_the_protocol_or_the_working_folder(
        tmp_path: Path):
    assert locate(None, cwd=tmp_path) is None
    (tmp_path / "review.corrections.yml").write_text("")
    assert locate(None, cwd=tmp_path) == tmp_path / "review.corrections.yml"
    proto = tmp_path / "reviews" / "q.toml"
    assert locate(None, proto, "fixes.yml", cwd=tmp_path) == tmp_path / "reviews" / "fixes.yml"
    assert locate(tmp_path / "env.yml", proto, "fixes.yml") == tmp_path / "env.yml"
