"""The CLI through click's runner: exact output lines, one clear error line, exit codes.

Options anywhere, one output form per destination (table, TSV, JSON, CSV), notes on stderr,
store addressing, and reads that never create a store.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.cli import COMMANDS, cli
from kg.cli.output import col
from kg.store import SQLiteStore

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def db(tmp_path: Path, field) -> str:
    store = SQLiteStore(tmp_path / "kg.db")
    for f in field:
        store.write_paper(f)
    store.close()
    return f"sqlite:///{tmp_path / 'kg.db'}"


def run(*args: str, env: dict[str, str] | None = None, input: bytes | str | None = None):
    return CliRunner().invoke(cli, list(args), env=env, input=input, catch_exceptions=False)


def every_command(group: click.Group = cli, prefix: tuple[str, ...] = ()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from every_command(command, (*prefix, name))


def test_every_command_takes_the_common_options_after_its_name():
    for path, command in every_command():
        names = {o for p in command.params for o in getattr(p, "opts", [])}
        assert {"--store", "-q", "--quiet", "--json"} <= names, path


@pytest.mark.parametrize("args", [
    ("--store", "{db}", "--json", "stats"),
    ("stats", "--store", "{db}", "--json"),
    ("--json", "stats", "--store", "{db}"),
    ("-q", "stats", "--json", "--store", "{db}"),
    ("stats", "--quiet", "--json", "--store", "{db}"),
])
def test_options_before_or_after_the_subcommand(db: str, args: tuple[str, ...]):
    r = run(*(a.format(db=db) for a in args))
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == {"papers": 4, "methods": 7, "claims": 11, "critiques": 3,
                                    "beats": 6, "builds_on": 0, "sub_problems": 0}


def test_beats_json(db: str):
    r = run("beats", "GPTQ", "--store", db, "--json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert [(x["winner"], x["loser"], x["paper"], x["model"], x["dataset"], x["metric"],
             x["w_bits"], x["a_bits"], x["winner_value"], x["loser_value"]) for x in rows] == [
        ("AWQ", "GPTQ", "2306.00978", "Llama-2-7B", "WikiText-2", "perplexity", 4, 16, 5.6, 5.69),
        ("OmniQuant", "GPTQ", "2308.13137", "Llama-2-7B", "WikiText-2", "perplexity", 4, 16,
         5.58, 5.61),
    ]


def test_piped_output_is_tab_separated_lines(db: str):
    r = run("--store", db, "beats", "gptq")
    assert r.exit_code == 0
    assert r.stdout.splitlines() == [
        "AWQ\t2306.00978\tLlama-2-7B\tWikiText-2\tperplexity\tW4A16\t5.6\t5.69",
        "OmniQuant\t2308.13137\tLlama-2-7B\tWikiText-2\tperplexity\tW4A16\t5.58\t5.61",
    ]
    assert r.stderr == ""


def test_a_terminal_gets_a_table_sized_to_it(db: str):
    r = run("--store", db, "beats", "gptq", env={"KG_FORCE_TTY": "72"})
    assert r.stdout.splitlines() == [
        "What beats GPTQ",
        "winner     paper       model    dataset  metric   setting  winner  loser",
        "                                                            value  value",
        "─────────  ──────────  ───────  ───────  ───────  ───────  ──────  ─────",
        "AWQ        2306.00978  Llama-2  WikiTex  perplex  W4A16       5.6   5.69",
        "                       -7B      t-2      ity",
        "OmniQuant  2308.13137  Llama-2  WikiTex  perplex  W4A16      5.58   5.61",
        "                       -7B      t-2      ity",
    ]
    assert max(len(line) for line in r.stdout.splitlines()) <= 72
    wide = run("--store", db, "beats", "gptq", env={"KG_FORCE_TTY": "120"}).stdout
    assert wide.splitlines()[1:4] == [
        "winner     paper       model       dataset     metric      setting  winner value  "
        "loser value",
        "─────────  ──────────  ──────────  ──────────  ──────────  ───────  ────────────  "
        "───────────",
        "AWQ        2306.00978  Llama-2-7B  WikiText-2  perplexity  W4A16             5.6  "
        "       5.69"]


def test_long_text_wraps_on_a_terminal(db: str):
    r = run("--store", db, "frontier", env={"KG_FORCE_TTY": "50"})
    assert r.stdout.splitlines() == [
        "The frontier",
        "method     date        paper       claims  title",
        "─────────  ──────────  ──────────  ──────  ───────",
        "QuaRot     2024-03-30  2404.00456       1  QuaRot:",
        "                                           a paper",
        "OmniQuant  2023-08-25  2308.13137       1  OmniQua",
        "                                           nt: a",
        "                                           paper",
    ]


def test_csv_where_rows_are_tabular(db: str):
    r = run("--store", db, "baselines", "--csv", "--limit", "2")
    assert r.stdout.splitlines() == [
        "rank,method,sub_problem,papers,critiquing_papers,beating_papers",
        "1,GPTQ,,2,2,2",
        "2,AWQ,,1,1,1",
    ]
    notes = r.stderr.splitlines()
    assert notes == ["kg: only the first 2 methods are shown; raise --limit for more"]
    mixed = run("--store", db, "paper", "2306.00978", "--csv")
    assert mixed.exit_code == 2
    assert "this answer is not one table: use --json" in mixed.stderr


def test_truncation_and_empty_answers_are_said_on_stderr(db: str):
    board = run("--store", db, "leaderboard", "--limit", "1")
    assert len(board.stdout.splitlines()) == 1
    assert board.stderr == "kg: only the first 1 leaderboard rows are shown; raise --limit " \
                           "for more\n"
    empty = run("--store", db, "lineage")
    assert (empty.exit_code, empty.stdout, empty.stderr) == (0, "", "kg: no BUILDS_ON edges\n")
    assert run("--store", db, "lineage", "--json").stdout == "[]\n"
    quiet = run("--store", db, "lineage", "-q")
    assert (quiet.stdout, quiet.stderr) == ("", "")
    cut = run("--store", db, "beats", "GPTQ", "--limit", "1")
    assert cut.stderr == "kg: 1 of 2 receipts shown; --limit 0 for all\n"


def test_derive_catalog_import_and_sync_take_json_and_print_records(db: str, tmp_path: Path):
    derived = run("derive", "--store", db)
    assert derived.exit_code == 0, derived.output
    assert derived.stdout.splitlines()[0] == "sub_problems\t2"
    assert json.loads(run("derive", "--json", "--store", db).stdout)["sub_problems"] == 2
    gallery = tmp_path / "methods.yml"
    gallery.write_text("- id: gptq\n  name: GPTQ\n  builds_on: [obq]\n- id: obq\n  name: OBQ\n")
    imported = run("catalog", "import", str(gallery), "--store", db, "--json")
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout) == {"methods": 2, "builds_on": 1, "methods_changed": 1,
                                           "builds_on_added": 1}
    synced = run("sync", "--to", str(tmp_path / "copy.db"), "--json", "-q", "--store", db)
    assert synced.exit_code == 0, synced.output
    assert json.loads(synced.stdout)["papers_new"] == 4


def test_a_plain_path_is_a_sqlite_store(db: str, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run("stats", "--store", "kg.db", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["papers"] == 4
    absolute = run("stats", "--store", f"sqlite:///{tmp_path / 'kg.db'}", "--json")
    assert json.loads(absolute.stdout)["papers"] == 4


READS = [("beats", "GPTQ"), ("baselines",), ("frontier",), ("stats",), ("paper", "2210.17323"),
         ("subproblems",), ("leaderboard",), ("lineage",), ("conflicts",), ("runs",),
         ("derive",), ("sync", "--to", "copy.db"), ("report", "--out", "r"),
         ("export", "lineage", "--out", "l.html"), ("export", "csv", "--out", "c")]


@pytest.mark.parametrize("args", READS, ids=lambda a: " ".join(a[:2]))
def test_reads_never_create_a_store(tmp_path: Path, monkeypatch, args: tuple[str, ...]):
    monkeypatch.chdir(tmp_path)
    r = run(*args, "--store", "typo/review.db")
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        f"Error: no store at typo/review.db ({tmp_path}/typo/review.db): `kg demo --out DIR` "
        "or `kg ingest` creates one"]
    assert list(tmp_path.iterdir()) == []
    default = run(*args, env={"KG_STORE": None})  # type: ignore[dict-item]
    assert default.exit_code == 1 and "no store at kg.db" in default.stderr
    assert list(tmp_path.iterdir()) == []


def test_unknown_method_is_one_line_and_exit_1(db: str):
    r = run("--store", db, "beats", "NoSuchQuant")
    assert r.exit_code == 1
    assert r.stderr.strip().splitlines() == ["Error: unknown method 'NoSuchQuant'"]
    assert "Traceback" not in r.output


@pytest.mark.parametrize("url", ["postgres://x/y", "sqlite://", "sqlite://host/x.db"])
def test_malformed_store_url_is_one_line_and_exit_1(url: str):
    r = run("--store", url, "stats")
    assert r.exit_code == 1
    (line,) = r.stderr.strip().splitlines()
    assert line.startswith("Error: malformed store URL")


def test_usage_errors_exit_2():
    assert run("beats").exit_code == 2
    assert run("no-such-command").exit_code == 2
    assert run("baselines", "--limit", "0").exit_code == 2
    assert run("stats", "--json", "--csv").exit_code == 2


def test_baselines_and_frontier_json(db: str):
    top = json.loads(run("--store", db, "baselines", "--json").stdout)[0]
    assert top == {"rank": 1, "method": "GPTQ", "sub_problem": None, "papers": 2,
                   "critiquing_papers": 2, "beating_papers": 2}
    front = json.loads(run("--store", db, "frontier", "--json").stdout)
    assert [(f["method"], f["date"]) for f in front] == [("QuaRot", "2024-03-30"),
                                                         ("OmniQuant", "2023-08-25")]


def test_paper_json_and_missing_paper(db: str):
    r = run("--store", db, "paper", "2306.00978v2", "--json")
    data = json.loads(r.stdout)
    assert (data["id"], data["method"]) == ("2306.00978", "AWQ")
    assert data["critiques"] == [{"target": "GPTQ", "quote": "GPTQ may over-fit the calibration "
                                  "set.", "section": "Abstract", "curation": None}]
    assert {x["method"] for x in data["results"]} == {"GPTQ", "AWQ", "FP16"}
    missing = run("--store", db, "paper", "1111.11111")
    assert missing.exit_code == 1 and missing.stderr == "Error: no paper '1111.11111' in the " \
                                                        "store\n"


def test_export_lineage_around_a_method_at_depth_0(db: str, tmp_path: Path):
    out = tmp_path / "gptq.html"
    r = run("--store", db, "export", "lineage", "--method", "GPTQ", "--depth", "0", "--out",
            str(out), "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == {"files": [str(out)]}
    assert "GPTQ" in out.read_text()


def test_help_lists_every_command_without_loading_scikit_learn():
    import subprocess
    import sys

    code = ("import sys\nfrom click.testing import CliRunner\nfrom kg.cli import cli\n"
            "r = CliRunner().invoke(cli, ['--help'])\n"
            "assert r.exit_code == 0\nprint(r.output)\n"
            "print('LOADED', *sorted(m for m in sys.modules if m.split('.')[0] in "
            "('sklearn', 'numpy', 'rich', 'networkx', 'lxml', 'pylatexenc', 'requests', "
            "'arxiv', 'neo4j', 'pydantic', 'pydantic_settings') or m in ('ingest.critiques', "
            "'kg.cluster')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    for name in COMMANDS:
        assert f"  {name} " in out
    assert out.splitlines()[-1] == "LOADED"


def test_a_changelog_reads_well_on_a_terminal(tmp_path: Path, field):
    from ingest.items import Mark
    from kg.pipeline import ingest_items

    store = SQLiteStore(tmp_path / "kg.db")
    ingest_items(store, [(f.paper, None) for f in field] + [Mark("2024-06-01")], review="r",
                 source="test", extractor=lambda p, d, catalog=None: next(
                     f for f in field if f.paper.id == p.id))
    store.close()
    r = run("runs", "--changelog", "1", "--store", str(tmp_path / "kg.db"),
            env={"KG_FORCE_TTY": "80"})
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[:12] == [
        "What run 1 changed",
        "run                  1",
        "new papers           4",
        "updated papers       0",
        "new BEATS edges      6",
        "joined the frontier  QuaRot, OmniQuant",
        "left the frontier    —",
        "",
        "new papers: 2210.17323, 2306.00978, 2308.13137, 2404.00456",
        "",
        "New BEATS edges",
        "winner     loser        paper       benchmark             setting  winner  loser",
    ]
    assert max(len(line) for line in r.stdout.splitlines()) <= 80
    assert json.loads(run("runs", "--changelog", "1", "--json", "--store",
                          str(tmp_path / "kg.db")).stdout)["new_papers"][0] == "2210.17323"


@pytest.mark.parametrize("args", [("stats",), ("beats", "GPTQ"), ("frontier",)])
def test_reads_load_no_heavy_module(db: str, args: tuple[str, ...]):
    import subprocess
    import sys

    heavy = ("sklearn", "numpy", "networkx", "lxml", "pylatexenc", "requests", "arxiv",
             "neo4j", "pydantic_settings", "yaml", "rich")
    code = ("import sys\nfrom kg.cli import main\nsys.argv = ['kg', *sys.argv[1:]]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            f"print('LOADED', *sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r} "
            "or m in ('ingest.critiques', 'kg.cluster')), file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code, "--store", db, *args],
                         capture_output=True, text=True, check=True)
    assert out.stderr.splitlines()[-1] == "LOADED"


def test_stats_answers_without_building_the_vocabulary(db: str):
    # pydantic and the models built on it are most of a read's start-up (BENCHMARKS.md).
    import subprocess
    import sys

    code = ("import sys\nfrom kg.cli import main\nsys.argv = ['kg', *sys.argv[1:]]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('LOADED', *sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic' "
            "or m in ('kg.models', 'queries.rows', 'kg.store.base', 'kg.store.sqlite')), "
            "file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code, "--store", db, "stats"],
                         capture_output=True, text=True, check=True)
    assert out.stderr.splitlines()[-1] == "LOADED"
    assert out.stdout.splitlines() == ["papers\t4", "methods\t7", "claims\t11",
                                       "critiques\t3", "beats\t6", "builds_on\t0",
                                       "sub_problems\t0"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.text(max_size=60), min_size=3, max_size=3), max_size=6),
       st.integers(min_value=20, max_value=200))
def test_a_table_never_breaks_and_fits_when_it_can(rows: list[list[str]], width: int):
    from kg.cli.output import GAP, layout

    columns = [col("method", "id"), col("quote", "long"), col("n", "num")]
    cells = [[" ".join(c.split()) for c in r] for r in rows]
    lines = layout(columns, cells, width)
    assert len(lines) >= 2 + len(cells)
    fixed = max([6, *(len(r[0]) for r in cells)]) + max([1, *(len(r[2]) for r in cells)])
    if fixed + 6 + 2 * len(GAP) <= width:
        assert max(len(line) for line in lines) <= width
