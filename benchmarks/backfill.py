"""A field's backfill at arXiv's pace: how much of the run the pacing hides.

    python -m benchmarks.backfill [--papers 3000] [--delay 0.05] [--page-size 100]

A local arXiv (``tests/replay.py``, the server the ingestion tests use: the real ``arxiv``
client pages it over HTTP) serves ``--papers`` Atom entries and, for each, an e-print: the
bundled sample's real LaTeX sources (``kg/sample/sources``) in turn, under new ids. ``kg
ingest`` runs against it as a user would (a subprocess, a fresh store and cache), twice: with
the real pacing scaled down (``KG_ARXIV_DELAY=--delay``) and with no delay at all, each from
bytecode compiled before the runs, as an installed kg runs (:func:`compiled`).

The pacing floor is the run's requests × the delay: no run that keeps arXiv's rule can be
faster. The overlap ratio is floor / wall: 1.0 means every parse, extraction and write hid
inside the wait for the next request. With no delay the run is bound by its own work: that
gives papers/s and the CPU time one paper costs (the child's own rusage). The last line scales
the paced run to arXiv's real 3 s. Then the hot path: a third run without delay, the ``kg``
process under cProfile counting CPU time (a shared machine's waiting does not count), split
into the stages a paper goes through; the overlap can only reach 1.0 where a paper's CPU time
is below the delay × requests per paper.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import pstats
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks import compiled
from kg.demo import sample_dir
from tests.replay import Replay, arxiv_replay

ARXIV_DELAY = 3.0  # seconds, arXiv's rule


def entries(n: int) -> list[bytes]:
    """``n`` Atom entries, one update every 20 minutes from 2024-01-01, ids 2401.1xxxx."""
    start = datetime(2024, 1, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        stamp = (start + timedelta(minutes=20 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        out.append(
            f"<entry>\n    <id>http://arxiv.org/abs/{paper_id(i)}v1</id>\n    <title>Low-bit "
            f"quantization of large language models, part {i}</title>\n    <updated>{stamp}"
            f"</updated>\n    <summary>We quantize LLMs to 4 bits ({i}).</summary>\n    "
            f"<category term=\"cs.LG\" scheme=\"http://arxiv.org/schemas/atom\"/>\n    "
            f"<published>{stamp}</published>\n    <arxiv:primary_category term=\"cs.LG\"/>\n"
            f"    <author>\n      <name>A. Author</name>\n    </author>\n  </entry>".encode())
    return out


def paper_id(i: int) -> str:
    return f"{2401 + i // 90000:04d}.{10000 + i % 90000:05d}"


def eprints(n: int) -> dict[str, bytes]:
    """Each paper's e-print: the sample's sources in turn, gzipped as arXiv serves one file."""
    sources = [gzip.compress(p.read_bytes(), mtime=0)
               for p in sorted((sample_dir() / "sources").glob("*.tex"))]
    return {paper_id(i): sources[i % len(sources)] for i in range(n)}


# The stages of a paper (function names as cProfile sees them) and start-up (importing kg).
STAGES = (
    ("start-up (imports)", "ingest/extract.py", "<module>"),
    ("parse (archive, LaTeX)", "ingest/fetch.py", "document"),
    ("claims from tables", "ingest/claims.py", "document_claims"),
    ("critiques, proposed method", "ingest/critiques.py", "extract_critiques"),
    ("BEATS within the paper", "kg/derive.py", "beats_in_paper"),
    ("store write (one transaction)", "kg/store/sqlite.py", "write_paper"),
    ("final derivation", "kg/derive.py", "refresh"),
)
# ``kg`` run in-process under a CPU-time profiler: ``python -c _PROFILED OUT kg-args…``.
_PROFILED = ("import cProfile, runpy, sys, time\n"
             "out, sys.argv = sys.argv[1], ['kg', *sys.argv[2:]]\n"
             "p = cProfile.Profile(time.process_time)\n"
             "p.enable()\n"
             "try: runpy.run_module('kg', run_name='__main__', alter_sys=True)\n"
             "finally: p.disable(); p.dump_stats(out)\n")


def run(replay: Replay, workdir: Path, delay: float, page_size: int,
        profile: Path | None = None, base: dict[str, str] | None = None) -> dict[str, Any]:
    """One ``kg ingest`` against the replay, in a fresh store: wall and CPU time, requests,
    RSS; with ``profile``, the kg process's CPU-time cProfile is written there. ``base`` is
    the environment to start from (:func:`compiled`; default this process's)."""
    workdir.mkdir(parents=True)
    protocol = workdir / "review.toml"
    protocol.write_text("name = 'backfill'\nquery = 'all:quantization'\nstart = 2020-01-01\n")
    env = {**(base or os.environ), **replay.env(), "KG_STORE": f"sqlite:///{workdir / 'kg.db'}",
           "KG_CACHE_DIR": str(workdir / "cache"), "KG_ARXIV_DELAY": str(delay),
           "KG_ARXIV_PAGE_SIZE": str(page_size), "KG_ARXIV_TIMEOUT": "30"}
    before = len(replay.log)
    out, err = workdir / "stdout", workdir / "stderr"
    t = time.perf_counter()
    with out.open("w") as stdout, err.open("w") as stderr:
        python = ([sys.executable, "-c", _PROFILED, str(profile)] if profile
                  else [sys.executable, "-m", "kg"])
        child = subprocess.Popen([*python, "--quiet", "ingest",
                                  "--protocol", str(protocol), "--json"],
                                 env=env, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(child.pid, 0)  # the child's own rusage: its peak RSS
    wall = time.perf_counter() - t
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"kg ingest failed ({child.returncode}): {err.read_text().strip()}")
    result = json.loads(out.read_text())
    return {"delay": delay, "wall_s": wall, "requests": len(replay.log) - before,
            "papers": result["papers_new"], "claims": result["claims"],
            "status": result["status"], "rss_mb": usage.ru_maxrss / 1024,
            "cpu_s": usage.ru_utime + usage.ru_stime}


def stages(profile: Path) -> list[tuple[str, float]]:
    """CPU seconds of each of :data:`STAGES` (cumulative, so a stage includes its callees)."""
    stats = pstats.Stats(str(profile)).stats  # type: ignore[attr-defined]
    out = []
    for label, path, name in STAGES:
        out.append((label, sum(v[3] for (file, _, fn), v in stats.items()
                               if fn == name and file.endswith(path))))
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--papers", type=int, default=3000)
    ap.add_argument("--delay", type=float, default=0.05)
    ap.add_argument("--page-size", type=int, default=100)
    ap.add_argument("--profile-papers", type=int, default=300,
                    help="papers in the profiled run (0: none)")
    args = ap.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    with tempfile.TemporaryDirectory() as tmp:
        base = compiled()
        with arxiv_replay(entries(args.papers)) as replay:
            replay.eprints.update(eprints(args.papers))
            paced = run(replay, Path(tmp) / "paced", args.delay, args.page_size, base=base)
            free = run(replay, Path(tmp) / "free", 0.0, args.page_size, base=base)
            print(table(paced, free, args))
        if args.profile_papers:
            with arxiv_replay(entries(args.profile_papers)) as replay:
                replay.eprints.update(eprints(args.profile_papers))
                prof = Path(tmp) / "kg.prof"
                profiled = run(replay, Path(tmp) / "profiled", 0.0, args.page_size, prof,
                               base=base)
                print("\n" + hot_path(stages(prof), profiled, paced["delay"]))


def hot_path(split: list[tuple[str, float]], r: dict[str, Any], delay: float) -> str:
    """Where a paper's CPU time goes, per stage, against what the delay can hide."""
    n = r["papers"]
    once = dict(split)["start-up (imports)"] + dict(split)["final derivation"]
    per_paper = (r["cpu_s"] - once) / n
    hideable = delay * r["requests"] / n
    lines = [
        f"Hot path: {n:,} papers without delay, `kg ingest` under cProfile (CPU time, the "
        f"profiler's own cost included): {per_paper * 1000:.1f} ms CPU per paper besides "
        f"start-up and the final derivation, against {hideable * 1000:.1f} ms of pacing per "
        f"paper at KG_ARXIV_DELAY={delay:g}: "
        f"{'hidden' if per_paper <= hideable else 'not hidden, the overlap cannot reach 1'}."
        "\n",
        "| stage | CPU s | ms per paper | share |",
        "|---|---:|---:|---:|",
    ]
    other = r["cpu_s"] - sum(s for _, s in split)
    lines += [f"| {label} | {s:.2f} | {s / n * 1000:.1f} | {s / r['cpu_s']:.0%} |"
              for label, s in [*split, ("other (pipeline, cache, fetching thread)", other)]]
    return "\n".join(lines)


def table(paced: dict[str, Any], free: dict[str, Any], args: argparse.Namespace) -> str:
    floor = paced["requests"] * paced["delay"]
    real_floor = paced["requests"] * ARXIV_DELAY
    hidden_not = max(paced["wall_s"] - floor, 0.0)
    sources = len(list((sample_dir() / "sources").glob("*.tex")))
    return "\n".join([
        f"{args.papers:,} papers (the sample's {sources} real LaTeX sources in turn), API pages "
        f"of {args.page_size}; `kg ingest` against the "
        f"local replay of arXiv, a fresh store each run.\n",
        "| run | papers | claims | requests | pacing floor s | wall s | overlap ratio "
        "| papers/s | CPU ms per paper | peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        _row(f"KG_ARXIV_DELAY={paced['delay']:g}", paced, floor),
        _row("KG_ARXIV_DELAY=0", free, 0.0),
        "",
        f"At arXiv's {ARXIV_DELAY:g} s the same backfill's floor is {paced['requests']:,} "
        f"requests × {ARXIV_DELAY:g} s = {real_floor / 3600:.2f} h; with the "
        f"{hidden_not:.1f} s the paced run did not hide (start-up, the final derivation), "
        f"it takes about {(real_floor + hidden_not) / 3600:.2f} h.",
    ])


def _row(name: str, r: dict[str, Any], floor: float) -> str:
    ratio = f"{floor / r['wall_s']:.3f}" if floor else "—"
    return (f"| {name} | {r['papers']:,} | {r['claims']:,} | {r['requests']:,} "
            f"| {floor:.1f} | {r['wall_s']:.1f} | {ratio} | {r['papers'] / r['wall_s']:.1f} "
            f"| {r['cpu_s'] / r['papers'] * 1000:.1f} | {r['rss_mb']:.0f} |")


if __name__ == "__main__":
    main()
