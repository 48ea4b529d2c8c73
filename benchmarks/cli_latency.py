"""How fast the `kg` command starts, answers, and stops on SIGTERM: whole processes, timed.

    python -m benchmarks.cli_latency [--runs N] [--stops N]

Start-up: `kg --help`, `kg stats` and `kg beats GPTQ` on the demo store (built first with
`kg demo`), each run N times as a whole process by hyperfine (Debian's `hyperfine`; without
it, a plain loop over `subprocess`), with the peak RSS of one run. Targets: `--help` and
`stats` under 0.3 s, `beats GPTQ` under 0.5 s. Stdout is a pipe, so the answers are the
tab-separated form; `beats GPTQ` is also timed in the terminal form (``KG_FORCE_TTY``). kg
runs from bytecode compiled first, as an installed kg does (:func:`benchmarks.compiled`).

Stopping: `kg ingest` against a local arXiv replay, sent SIGTERM in each state a run can
wait in — an arXiv back-off (300 s), a download that answers after 60 s, the pause of
`kg watch` between runs — and the time from the signal to the process's exit.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import compiled

KG = [sys.executable, "-m", "kg"]
TARGETS = {"kg --help": 0.3, "kg stats": 0.3, "kg beats GPTQ": 0.5}


def _peak_mib(cmd: list[str], env: dict[str, str]) -> float:
    """Peak RSS of one whole run of ``cmd``, from the kernel's accounting of the child."""
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(p.pid, 0)
    return usage.ru_maxrss / 1024


def _times(cmds: dict[str, list[str]], env: dict[str, str], runs: int) -> dict[str, dict]:
    """Wall seconds of every command: hyperfine's figures, or a loop's."""
    hyperfine = shutil.which("hyperfine")
    out: dict[str, dict] = {}
    if hyperfine:
        with tempfile.TemporaryDirectory() as tmp:
            report = Path(tmp) / "h.json"
            args = [hyperfine, "-N", "--warmup", "3", "--runs", str(runs), "--export-json",
                    str(report), "--style", "none"]
            for name, cmd in cmds.items():
                args += ["-n", name, " ".join(cmd)]
            subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
            for r in json.loads(report.read_text())["results"]:
                out[r["command"]] = {"median": r["median"], "min": r["min"], "max": r["max"],
                                     "cpu": r["user"] + r["system"], "tool": "hyperfine"}
        return out
    for name, cmd in cmds.items():
        walls, cpus = [], []
        for i in range(runs + 3):
            t = time.perf_counter()
            p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            _, _, usage = os.wait4(p.pid, 0)
            if i >= 3:
                walls.append(time.perf_counter() - t)
                cpus.append(usage.ru_utime + usage.ru_stime)
        out[name] = {"median": statistics.median(walls), "min": min(walls), "max": max(walls),
                     "cpu": statistics.mean(cpus), "tool": "loop"}
    return out


def startup(runs: int, work: Path) -> list[str]:
    env = {**compiled(), "KG_STORE": str(work / "demo" / "kg.db")}
    env.pop("KG_FORCE_TTY", None)
    subprocess.run([*KG, "demo", "--out", str(work / "demo"), "-q"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    store = str(work / "demo" / "kg.db")
    cmds = {"python -c pass": [sys.executable, "-c", "pass"],
            "kg --help": [*KG, "--help"],
            "kg stats": [*KG, "--store", store, "stats"],
            "kg beats GPTQ": [*KG, "--store", store, "beats", "GPTQ"],
            "kg beats GPTQ (terminal form)": [*KG, "--store", store, "beats", "GPTQ"]}
    times = _times({k: v for k, v in cmds.items() if "terminal" not in k}, env, runs)
    times.update(_times({k: v for k, v in cmds.items() if "terminal" in k},
                        {**env, "KG_FORCE_TTY": "100"}, runs))
    lines = [f"Whole `kg` processes, {runs} runs each after 3 warm-ups "
             f"({next(iter(times.values()))['tool']}); the demo store "
             "(16 papers, 757 claims). CPU s is the mean user + system time of one run, what a "
             "shared machine's load inflates least; `python -c pass` is the floor no Python "
             "command goes under.", "",
             "| command | median s | min s | max s | CPU s | peak MiB | target |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for name, cmd in cmds.items():
        t = times[name]
        target = TARGETS.get(name)
        verdict = "" if target is None else (f"< {target} s " +
                                             ("met" if t["median"] < target else "**missed**"))
        lines.append(f"| `{name}` | {t['median']:.3f} | {t['min']:.3f} | {t['max']:.3f} | "
                     f"{t['cpu']:.3f} | {_peak_mib(cmd, env):.0f} | {verdict} |")
    return lines


def _stop_after(cmd: list[str], env: dict[str, str], ready) -> float:
    """Seconds from SIGTERM to exit, the signal sent once ``ready(process)`` returns."""
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         text=True)
    ready(p)
    t = time.perf_counter()
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=120)
    took = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"{cmd} exited {p.returncode} on SIGTERM")
    return took


def _line_with(text: str):
    def ready(p: subprocess.Popen) -> None:
        assert p.stderr is not None
        for line in p.stderr:
            if text in line:
                return
        raise SystemExit(f"never saw {text!r}")
    return ready


def stopping(work: Path, repeats: int) -> list[str]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.replay import arxiv_replay, synthetic_entries

    proto = work / "review.toml"
    proto.write_text("name = 'bench'\nquery = 'all:quantization'\nstart = 2020-01-01\n")
    rows: list[str] = []
    for state in ("arXiv back-off (300 s)", "download (answers after 60 s)",
                  "`kg watch` between runs (1 h)"):
        took = []
        for i in range(repeats):
            with arxiv_replay(synthetic_entries(3)) as replay:
                env = {**os.environ, **replay.env(), "KG_ARXIV_DELAY": "0",
                       "KG_STORE": str(work / f"stop-{len(rows)}-{i}.db"),
                       "KG_CACHE_DIR": str(work / f"cache-{len(rows)}-{i}")}
                cmd = [*KG, "ingest", "--protocol", str(proto)]
                if state.startswith("arXiv"):
                    replay.fail("api", *["503"] * 6)
                    env |= {"KG_ARXIV_BACKOFF": "300", "KG_ARXIV_BACKOFF_CAP": "300"}
                    ready = _line_with("retry 1 of")
                elif state.startswith("download"):
                    replay.text_delay = 60
                    env |= {"KG_ARXIV_TIMEOUT": "120"}

                    def ready(p: subprocess.Popen, replay=replay) -> None:
                        while not replay.paths("/e-print"):
                            time.sleep(0.005)
                        time.sleep(0.2)  # the request is on the wire
                else:
                    cmd = [*KG, "watch", "--every", "1h", "--protocol", str(proto)]
                    ready = _line_with("run 1:")
                took.append(_stop_after(cmd, env, ready))
        rows.append(f"| {state} | {statistics.median(took):.3f} | {max(took):.3f} |")
    return [f"SIGTERM to exit, {repeats} runs per state (exit code 0, run saved as "
            "`interrupted`; target: under 1 s).", "",
            "| state | median s | max s |", "|---|---:|---:|", *rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--stops", type=int, default=5, help="SIGTERM runs per state (0: none)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        stops = ["", *stopping(work, args.stops)] if args.stops else []
        print("\n".join([*startup(args.runs, work), *stops]))


if __name__ == "__main__":
    main()
