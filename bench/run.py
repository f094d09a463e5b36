"""Benchmark: the router end to end at a chosen scale, phase by phase.

    python bench/run.py --scale {small,medium,large} [--data DIR] [--work DIR] [--no-floor] [--cold-parse]

Generates the inputs if needed (bench/generate.py, deterministic), then:
0. unless --cold-parse: one run of the shipped example, so that dbt's saved parse of
   the project is in the (benchmark's own) cache, as on any machine that ran the
   router before; with --cold-parse the full run parses the project from nothing;
1. a full run on a fresh output location (every input parsed);
2. a re-route on the same inputs with other thresholds (the loaded layer is reused);
3. the floor: the same inputs loaded and routed by one hand-written DuckDB script
   (bench/floor.py), with no dbt and no export;
4. the plain Python router (bench/plain.py): read the JSON, route with check_floor.py's
   reading of the rules, write routing_plan.json/.yaml/.md — what a user would otherwise
   write (slow at large scale, ~7 min: --no-plain skips it);
5. the dbt floor: bench/dbt_floor, a one-model dbt-duckdb project built by the same dbt
   install, after one warm-up build (so its saved parse is used, as the router's is):
   what dbt itself costs to start, parse and build one node (--no-dbt-floor skips it).
For each phase it prints wall seconds and the peak RSS of the whole process tree
(CLI + dbt) while the phase ran, plus decisions per second, a comparison table (the
router's full run and re-route against each floor and the plain router, in the same
run) and the goals table of issue 20: each ratio with its goal, and the number of dbt
nodes a full CLI build executes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from training_router.dbt_runner import last_parse_kind

REPO = Path(__file__).resolve().parents[1]
GENERATED = {"medium", "large"}
DBT_FLOOR = REPO / "bench" / "dbt_floor"


# --- memory sampling -----------------------------------------------------------------


def _tree_rss_bytes(root: int) -> int:
    """RSS of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            ppid, pages = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = pages * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


class Sampler(threading.Thread):
    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, int]] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.samples.append((time.time(), _tree_rss_bytes(self.pid)))
            time.sleep(self.interval)

    def peak(self, start: float = 0.0, end: float = float("inf")) -> int:
        inside = [rss for t, rss in self.samples if start <= t <= end]
        return max(inside, default=0)


def measured(command: list[str], cwd: Path,
             env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess[str], Sampler, float, float]:
    started = time.time()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env)
    sampler = Sampler(process.pid)
    sampler.start()
    stdout, stderr = process.communicate()
    ended = time.time()
    sampler.done.set()
    sampler.join()
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr), sampler, started, ended


# --- phases ----------------------------------------------------------------------------


def _epoch(stamp: str) -> float:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).replace(tzinfo=dt.timezone.utc).timestamp()


def _dbt_group(unique_id: str) -> str:
    name = unique_id.split(".")[-1] if unique_id.startswith("model.") else ""
    if unique_id.startswith(("test.", "unit_test.")):
        return "dbt tests"
    for source in ("model_metadata", "target_confidence", "leakage", "stability_snapshots"):
        if name in (f"stg_metrics__{source}", f"int_{source}_loaded"):
            return f"load {source}"
    if name in ("stg_metrics__input_files", "int_input_files_listed"):
        return "list input files"
    if "stability" in name:
        return "stability"
    return "routing (lanes, router, marts)"


def phases(out: Path, timings: dict[str, Any]) -> list[tuple[str, float, float, float | None]]:
    """(phase, start, end, busy seconds) in run order: CLI phases, with the dbt build split by
    node group. dbt runs two threads, so a group's span can overlap others; `busy` is the
    sum of its nodes' own execution times."""
    spans = {s["phase"]: s for s in timings["spans"]}
    run_results = json.loads((out / ".router" / "dbt-target" / "run_results.json").read_text())
    groups: dict[str, list[float]] = {}
    busy: dict[str, float] = {}
    first_node = float("inf")
    for result in run_results["results"]:
        stamps = [_epoch(t[k]) for t in result.get("timing", []) for k in ("started_at", "completed_at")
                  if t.get(k)]
        if not stamps:
            continue
        first_node = min(first_node, min(stamps))
        group = _dbt_group(result["unique_id"])
        bounds = groups.setdefault(group, [min(stamps), max(stamps)])
        bounds[0], bounds[1] = min(bounds[0], min(stamps)), max(bounds[1], max(stamps))
        busy[group] = busy.get(group, 0.0) + float(result.get("execution_time", 0.0))
    build = spans["dbt_build"]
    rows: list[tuple[str, float, float, float | None]] = [
        ("config, discovery", spans["config_and_discovery"]["start"], spans["config_and_discovery"]["end"], None),
        ("copy previous database", spans["copy_previous_database"]["start"],
         spans["copy_previous_database"]["end"], None),
        ("dbt start-up (process, parse)", build["start"], min(first_node, build["end"]), None),
    ]
    rows += sorted(((f"dbt: {name}", lo, hi, busy[name]) for name, (lo, hi) in groups.items()), key=lambda r: r[1])
    rows += [(s["phase"].replace("_", " "), s["start"], s["end"], None) for s in timings["spans"]
             if s["phase"] not in ("config_and_discovery", "copy_previous_database", "dbt_build", "total")]
    return rows


PARSE_KINDS = {
    "unchanged": "saved parse, nothing to re-parse",
    "partial": "partial (saved parse, changed files re-parsed)",
    "full": "full",
}


def dbt_parse_kind(out: Path) -> str:
    """How dbt parsed the project in its last invocation for this output (from dbt.log)."""
    return PARSE_KINDS[last_parse_kind(out / ".router" / "dbt-logs" / "dbt.log")]


def run_cli(metrics: Path, out: Path, extra: list[str], cache: Path) -> dict[str, Any]:
    out.parent.mkdir(parents=True, exist_ok=True)
    timings_file = out.parent / f"{out.name}.timings.json"
    command = [sys.executable, "-m", "training_router", "--output-dir", str(metrics), "--plan-output", str(out),
               "--quiet", "--timings-json", str(timings_file), *extra]
    completed, sampler, started, ended = measured(command, out.parent, {**os.environ, "ROUTER_CACHE_DIR": str(cache)})
    if completed.returncode != 0:
        raise SystemExit(f"router failed ({completed.returncode}):\n{completed.stderr}")
    timings = json.loads(timings_file.read_text())
    decisions = int(re.search(r"(\d+) decision", completed.stdout).group(1))  # type: ignore[union-attr]
    rows = [(name, hi - lo, busy, sampler.peak(lo, hi)) for name, lo, hi, busy in phases(out, timings)]
    return {"wall": ended - started, "peak": sampler.peak(), "decisions": decisions, "rows": rows,
            "parse": dbt_parse_kind(out), "nodes": dbt_nodes(out)}


def dbt_nodes(out: Path) -> dict[str, int]:
    """The dbt nodes the run's last build executed, by kind (model, seed, test, unit_test);
    the project's hooks (operation) are not nodes and not counted."""
    run_results = json.loads((out / ".router" / "dbt-target" / "run_results.json").read_text())
    kinds: dict[str, int] = {}
    for result in run_results["results"]:
        kind = result["unique_id"].split(".", 1)[0]
        if kind != "operation":
            kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def run_plain(metrics: Path, out: Path) -> dict[str, Any]:
    completed, sampler, started, ended = measured(
        [sys.executable, str(REPO / "bench" / "plain.py"), str(metrics), str(out)], REPO)
    if completed.returncode != 0:
        raise SystemExit(f"plain router failed:\n{completed.stderr}")
    decisions = int(re.search(r"decisions=(\d+)", completed.stdout).group(1))  # type: ignore[union-attr]
    return {"wall": ended - started, "peak": sampler.peak(), "decisions": decisions, "output": completed.stdout}


def comparison(full: dict[str, Any], reroute: dict[str, Any], floor: dict[str, Any] | None,
               plain: dict[str, Any] | None, dbt_floor: dict[str, Any] | None) -> list[str]:
    """One table: each measured program, its wall time, and the router's ratios to the others."""
    lines = ["| program | wall s | peak RSS MB | router full ÷ it | router re-route ÷ it |",
             "|---|---:|---:|---:|---:|"]
    rows = [("router, full run", full), ("router, re-route", reroute),
            ("floor (bench/floor.py: DuckDB script, no dbt, no export)", floor),
            ("plain Python router (bench/plain.py: JSON in, JSON/YAML/Markdown out)", plain),
            ("dbt floor (bench/dbt_floor: one table model, same dbt, warm parse)", dbt_floor)]
    for name, result in rows:
        if result is None:
            continue
        lines.append(f"| {name} | {result['wall']:.2f} | {_mb(result['peak'])} | "
                     f"{full['wall'] / result['wall']:.2f}× | {reroute['wall'] / result['wall']:.2f}× |")
    if plain is not None and plain["decisions"] != full["decisions"]:
        lines += ["", f"**the plain router made {plain['decisions']:,} decisions, the router {full['decisions']:,}**"]
    return [*lines, ""]


def run_floor(metrics: Path) -> dict[str, Any]:
    completed, sampler, started, ended = measured([sys.executable, str(REPO / "bench" / "floor.py"), str(metrics)],
                                                  REPO)
    if completed.returncode != 0:
        raise SystemExit(f"floor failed:\n{completed.stderr}")
    return {"wall": ended - started, "peak": sampler.peak(), "output": completed.stdout}


def run_dbt_floor(work: Path) -> dict[str, Any]:
    """bench/dbt_floor built twice by this environment's dbt: a warm-up (its parse is saved),
    then the measured build."""
    target = work / "dbt-floor"
    env = {**os.environ, "DBT_FLOOR_DATABASE": str(target / "floor.duckdb"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    command = [sys.executable, "-m", "dbt.cli.main", "build", "--project-dir", str(DBT_FLOOR),
               "--profiles-dir", str(DBT_FLOOR), "--target-path", str(target / "target"),
               "--log-path", str(target / "logs"), "--quiet"]
    for _ in range(2):
        completed, sampler, started, ended = measured(command, work, env)
        if completed.returncode != 0:
            raise SystemExit(f"dbt floor failed:\n{completed.stdout}{completed.stderr}")
    return {"wall": ended - started, "peak": sampler.peak()}


# issue 20's goals, each a ratio or figure with the bound it must stay under
def goals(scale: str, full: dict[str, Any], reroute: dict[str, Any], floor: dict[str, Any] | None,
          dbt_floor: dict[str, Any] | None) -> list[str]:
    """Each goal this scale can show: the measured figure, the goal, met or not."""
    rows: list[tuple[str, float, float, str]] = []
    if scale == "small" and dbt_floor:
        rows += [("full run / dbt floor", full["wall"] / dbt_floor["wall"], 1.5, "×"),
                 ("re-route / dbt floor", reroute["wall"] / dbt_floor["wall"], 1.3, "×")]
    if scale == "medium" and dbt_floor and floor:
        rows.append(("full run / (dbt floor + DuckDB floor)", full["wall"] / (dbt_floor["wall"] + floor["wall"]),
                     2.0, "×"))
    if scale == "large" and floor:
        rows += [("full run / DuckDB floor", full["wall"] / floor["wall"], 1.5, "×"),
                 ("re-route / DuckDB floor", reroute["wall"] / floor["wall"], 0.5, "×")]
    if scale == "large":
        rows.append(("peak memory, full run (GB)", full["peak"] / 1e9, 2.0, " GB"))
    rows.append(("dbt nodes in the full run's build", float(sum(full["nodes"].values())), 45, ""))
    lines = ["| goal (issue 20) | measured | goal | met |", "|---|---:|---:|---|"]
    for name, value, goal, unit in rows:
        shown = f"{value:.0f}" if unit == "" else f"{value:.2f}{unit}"
        lines.append(f"| {name} | {shown} | ≤ {goal:g}{unit} | {'yes' if value <= goal else 'no'} |")
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(full["nodes"].items()))
    return [*lines, "", f"nodes of the full run's build: {kinds}", ""]


# --- report ----------------------------------------------------------------------------


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f}"


def report(title: str, result: dict[str, Any], floor: dict[str, Any] | None) -> list[str]:
    lines = [f"### {title}", "", "| phase | wall s | busy s | peak RSS MB |", "|---|---:|---:|---:|"]
    lines += [f"| {name} | {secs:.2f} | {'' if busy is None else f'{busy:.2f}'} | {_mb(peak)} |"
              for name, secs, busy, peak in result["rows"]]
    lines += [f"| **end to end** | **{result['wall']:.2f}** | | **{_mb(result['peak'])}** |", ""]
    per_second = result["decisions"] / result["wall"]
    lines.append(f"{result['decisions']:,} decisions, {per_second:,.0f} decisions/s, "
                 f"{1e6 * result['wall'] / result['decisions']:.1f} µs per decision; "
                 f"dbt's project parse: {result['parse']}")
    if floor:
        lines.append(f"floor (bench/floor.py, no dbt, no export): {floor['wall']:.2f} s, peak {_mb(floor['peak'])} MB;"
                     f" overhead ratio {result['wall'] / floor['wall']:.1f}×")
    return [*lines, ""]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=["small", "medium", "large"], required=True)
    parser.add_argument("--data", type=Path, help="inputs (default: examples/metrics, or bench/data/<scale>)")
    parser.add_argument("--work", type=Path, help="where outputs go (default: a temporary folder)")
    parser.add_argument("--no-floor", action="store_true")
    parser.add_argument("--no-plain", action="store_true", help="skip the plain Python router (~7 min at large)")
    parser.add_argument("--no-dbt-floor", action="store_true", help="skip the one-model dbt project")
    parser.add_argument("--cold-parse", action="store_true",
                        help="start without dbt's saved parse (a machine's very first run)")
    args = parser.parse_args()

    data = args.data or (REPO / "bench" / "data" / args.scale if args.scale in GENERATED
                         else REPO / "examples" / "metrics")
    if args.scale in GENERATED and not data.is_dir():
        print(f"generating {args.scale} inputs into {data} ...", flush=True)
        subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), "--scale", args.scale,
                        "--out", str(data)], check=True)
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
        return _bench(args, data, args.work)
    work = Path(tempfile.mkdtemp(prefix=f"router-bench-{args.scale}-"))
    try:  # ~3 GB at large scale: a temporary folder does not outlive the run
        return _bench(args, data, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _bench(args: argparse.Namespace, data: Path, work: Path) -> int:
    out = work / "METRICS"
    reroute_config = work / "reroute.yaml"
    reroute_config.write_text("routing:\n  min_sample_size: {symbol: 1500}\n  symbol: {strong_score: 0.62}\n")

    cache = work / "parse-cache"
    for stale in (cache, out, work / "warm-up"):  # a reused --work must not turn the full run into a re-run
        shutil.rmtree(stale, ignore_errors=True)
    if not args.cold_parse:
        run_cli(REPO / "examples" / "metrics", work / "warm-up" / "METRICS", [], cache)
    full = run_cli(data, out, [], cache)
    reroute = run_cli(data, out, ["--routing-config", str(reroute_config)], cache)
    floor = None if args.no_floor else run_floor(data)
    plain = None if args.no_plain else run_plain(data, work / "plain")
    dbt_floor = None if args.no_dbt_floor else run_dbt_floor(work)

    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    lines = [f"## {args.scale} — {dt.date.today().isoformat()}, commit {commit}, {os.cpu_count()} cores", ""]
    lines += comparison(full, reroute, floor, plain, dbt_floor)
    lines += goals(args.scale, full, reroute, floor, dbt_floor)
    lines += report("full run (fresh output, every input parsed)", full, floor)
    lines += report("re-route (same inputs, other thresholds)", reroute, None)
    if floor:
        lines += ["<details><summary>floor output</summary>", "", "```", floor["output"].strip(), "```", "",
                  "</details>", ""]
    if plain:
        lines += ["plain Python router: " + "; ".join(plain["output"].strip().splitlines()), ""]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
