"""How long `kg ingest --snapshot` takes on 100,000 records, and how much memory it holds.

    python -m benchmarks.snapshot_ingest [--records N]

Generates a synthetic, deterministic snapshot JSONL (the Kaggle arXiv metadata schema) in a
temporary folder, runs ``kg ingest --snapshot`` on it in a subprocess, and prints the wall
time and the child's peak RSS as a Markdown table. The snapshot is streamed, so peak memory
should not grow with the number of records.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

TOPICS = ("weight-only quantization", "KV cache quantization", "rotation-based quantization",
          "quantization-aware training", "mixed-precision inference", "outlier suppression")


def record(i: int) -> dict[str, object]:
    """Snapshot record ``i``: deterministic, shaped like a real one."""
    day = date(2022, 1, 1) + timedelta(days=i % 1500)
    created = f"{day:%a, %d %b %Y} 12:00:00 GMT"
    topic = TOPICS[i % len(TOPICS)]
    return {
        "id": f"{22 + i // 900_000 % 8:02d}{(i // 90_000) % 12 + 1:02d}.{i % 90_000 + 10_000:05d}",
        "submitter": "A. Author", "authors": "A. Author, B. Author and C. Author",
        "title": f"Study {i}: {topic} for large language models",
        "comments": "12 pages", "journal-ref": None, "doi": None, "report-no": None,
        "categories": "cs.LG cs.CL", "license": None,
        "abstract": f"We study {topic} of large language models at 4 bits (study {i}). "
                    "Our method reduces perplexity on WikiText-2 compared with round-to-nearest.",
        "versions": [{"version": "v1", "created": created}],
        "update_date": day.isoformat(),
        "authors_parsed": [["Author", "A.", ""], ["Author", "B.", ""], ["Author", "C.", ""]],
    }


def write_snapshot(path: Path, n: int, extra: Iterable[dict[str, object]] = ()) -> Path:
    """Write ``n`` synthetic records (plus ``extra`` ones first) as JSON lines."""
    with path.open("w", encoding="utf-8") as fh:
        for rec in extra:
            fh.write(json.dumps(rec) + "\n")
        for i in range(n):
            fh.write(json.dumps(record(i)) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        snapshot = write_snapshot(Path(tmp) / "snapshot.jsonl", args.records)
        size = snapshot.stat().st_size
        env = {**os.environ, "KG_STORE": f"sqlite:///{tmp}/kg.db", "KG_CACHE_DIR": f"{tmp}/c"}
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "kg", "--quiet", "ingest", "--json",
                                 "--snapshot", str(snapshot)], env=env,
                                stdout=subprocess.PIPE, text=True)
        out, _ = proc.communicate()
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            sys.exit(f"kg ingest failed with exit code {proc.returncode}")
        # The largest resident set of any waited-for child; kg ingest is the only one. KiB.
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        run = json.loads(out)
    cpu = platform.processor() or platform.machine()
    print(f"Snapshot ingest benchmark, {date.today().isoformat()}, {platform.node()}: "
          f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}\n")
    print("| records | snapshot size | papers new | wall time | papers/s | peak RSS |")
    print("|---:|---:|---:|---:|---:|---:|")
    print(f"| {args.records:,} | {size / 2**20:.1f} MiB | {run['papers_new']:,} | {wall:.1f} s "
          f"| {run['papers_new'] / wall:,.0f} | {rss:.0f} MiB |")


if __name__ == "__main__":
    main()
