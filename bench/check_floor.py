#!/usr/bin/env python3
"""Cross-check floor.py against an independent pure-Python routing (default config).

Usage:
    python bench/floor.py DIR --db /tmp/floor.duckdb
    python bench/check_floor.py DIR /tmp/floor.duckdb

Re-implements docs/ROUTING_RULES.md sections 4-6 naively in Python (json.load, O(n^2) Kendall
tau, exact statistics.mean) and compares the route of every (target, symbol) pair with
the floor's `routed` table; exits 1 on any difference. Slow (pure Python): meant for
medium scale or smaller.
"""

from __future__ import annotations

import collections
import glob
import json
import math
import os
import re
import statistics
import sys
from itertools import pairwise

import duckdb

import thresholds

CLS = thresholds.CLASSIFICATION  # cs_min, cs_strong, sym_min, sym_strong
REG = thresholds.REGRESSION
CLS_METRICS = ("auc", "roc_auc", "pr_auc", "accuracy", "f1", "logloss")


def tier(target: str) -> str:
    for pat, mult in ((r"(\d+)m(_|$)", 1), (r"(\d+)h(_|$)", 60), (r"(\d+)d(_|$)", 1440)):
        m = re.search(pat, target)
        if m:
            v = int(m.group(1)) * mult
            return "short" if v < 60 else "medium" if v < 240 else "long" if v < 1440 else "very_long"
    return "default"


def is_cls_from(task_type, metric_name):
    if task_type is not None:
        return "CLASSIFICATION" in task_type
    if metric_name is not None:
        return metric_name.lower() in CLS_METRICS
    return None


def rank(doc: dict) -> list[str]:
    feats, imps = doc["features"], doc.get("importances")
    if imps is None:
        return feats
    return [feats[i] for i in sorted(range(len(feats)), key=lambda i: (-imps[i], i))]


def kendall_tau(a: list[str], b: list[str]):
    in_b = set(b)
    common = [x for x in a if x in in_b]
    if len(common) < 3:
        return None
    pos_b = {x: i for i, x in enumerate(b)}
    r = [pos_b[x] for x in common]
    n = len(r)
    discordant = sum(1 for i in range(n) for j in range(i + 1, n) if r[i] > r[j])
    return 1 - 4 * discordant / (n * (n - 1))


def load(path: str):
    with open(path) as fh:
        return json.load(fh)


def stability(root: str, target: str, universe: str) -> str:
    files = glob.glob(f"{root}/{target}/stability/{universe}/*.json")
    if len(files) < 2:
        return "UNKNOWN"
    docs = sorted((load(f) for f in files), key=lambda d: (d["created_at"], d["run_id"]))
    ranks = [rank(d) for d in docs]
    ov = [len(set(a[:20]) & set(b[:20])) / len(set(a[:20]) | set(b[:20])) for a, b in pairwise(ranks)]
    ta = [x for x in (kendall_tau(a, b) for a, b in pairwise(ranks)) if x is not None]
    mean_ov, std_ov = statistics.mean(ov), statistics.pstdev(ov)
    mean_tau = statistics.mean(ta) if ta else None
    std_tau = statistics.pstdev(ta) if ta else None
    if std_ov > 0.2 or (std_tau is not None and std_tau > 0.25):
        return "DIVERGED"
    if mean_ov >= 0.7 and (mean_tau is None or mean_tau >= 0.6):
        return "STABLE"
    if mean_ov >= 0.5 and (mean_tau is None or mean_tau >= 0.4):
        return "DRIFTING"
    return "DIVERGED"


def lane(metrics, n_families, stab, min_n, lo, strong, allow) -> str:
    if metrics is None:
        return "DISALLOWED"
    score, n = metrics
    if n < min_n or n_families < 1:
        return "DISALLOWED"
    if score >= strong and stab in allow:
        return "STRONG"
    if score >= lo and stab in allow:
        return "WEAK_BUT_OK"
    if score >= 0.52 and stab in ("DRIFTING", "UNKNOWN"):
        return "EXPERIMENTAL"
    return "DISALLOWED"


def route_target(root: str, target: str) -> dict[tuple[str, str], str]:
    meta = load(f"{root}/{target}/model_metadata.json")
    tc_path, lk_path = f"{root}/{target}/target_confidence.json", f"{root}/{target}/leakage.json"
    tc = load(tc_path) if os.path.exists(tc_path) else None
    lk = load(lk_path) if os.path.exists(lk_path) else {}
    syms: dict[str, dict] = {}
    task_types, metric_names, fams_ok = [], [], set()
    for key, e in meta.items():
        sym, fam = key.split(":")[0], key.split(":")[-1]
        sc = e.get("score", e.get("auc"))
        n = e.get("sample_size", e.get("n_samples")) or 0
        finite = isinstance(sc, (int, float)) and math.isfinite(sc)
        status = e.get("status") or ("OK" if finite else "FAILED")
        d = syms.setdefault(sym, {"scores": [], "n": 0, "stab": None})
        d["n"] = max(d["n"], n)
        if e.get("stability"):
            d["stab"] = e["stability"]
        if status == "OK" and finite:
            d["scores"].append(sc)
            fams_ok.add(fam)
        if e.get("task_type"):
            task_types.append(e["task_type"])
        if e.get("metric_name"):
            metric_names.append(e["metric_name"])
    cls = is_cls_from(tc.get("task_type"), tc.get("metric_name")) if tc else None
    if cls is None:
        cls = is_cls_from(min(task_types) if task_types else None, min(metric_names) if metric_names else None)
    if cls is None:
        cls = True
    cs_min, cs_strong, sym_min, sym_strong = CLS if cls else REG[tier(target)]
    scored = [statistics.mean(d["scores"]) for d in syms.values() if d["scores"]]
    if tc:
        cs = (tc.get("score", tc.get("auc")), tc.get("sample_size", tc.get("n_samples")) or 0)
        fams = tc.get("model_families")
        cs_fams = sum(1 for v in fams.values() if v == "OK") if fams is not None else len(fams_ok)
    elif len(scored) >= 2:
        cs = (statistics.mean(scored), sum(d["n"] for d in syms.values()))
        cs_fams = len(fams_ok)
    else:
        cs, cs_fams = None, len(fams_ok)
    cs_stab = (tc or {}).get("stability") or stability(root, target, "ALL")
    cs_state = lane(cs, cs_fams, cs_stab, 5000, cs_min, cs_strong, ("STABLE", "DRIFTING", "UNKNOWN"))
    target_leak, symbol_leak = lk.get("status", "UNKNOWN"), lk.get("symbols", {})
    decisions = []
    for sym, d in syms.items():
        local_stab = d["stab"] or stability(root, target, sym)
        m = (statistics.mean(d["scores"]) if d["scores"] else None, d["n"])
        loc = lane(m, len(d["scores"]), local_stab, 1000, sym_min, sym_strong, ("STABLE", "UNKNOWN"))
        cs_ok, loc_ok = cs_state in ("STRONG", "WEAK_BUT_OK"), loc in ("STRONG", "WEAK_BUT_OK")
        if (target_leak == "BLOCKED" or symbol_leak.get(sym) == "BLOCKED"
                or ((cs is None or cs[1] < 5000) and d["n"] < 1000)):
            r = "ROUTE_BLOCKED"
        elif cs_ok and not loc_ok:
            r = "ROUTE_CROSS_SECTIONAL"
        elif loc_ok and not cs_ok:
            r = "ROUTE_SYMBOL_SPECIFIC"
        elif cs_ok and loc_ok:
            r = "ROUTE_BOTH"
        elif "EXPERIMENTAL" in (cs_state, loc):
            r = "ROUTE_EXPERIMENTAL_ONLY"
        else:
            r = "ROUTE_BLOCKED"
        exp_score = m[0] if loc == "EXPERIMENTAL" else (cs[0] if cs else None)
        decisions.append([sym, r, exp_score])
    cap = max(1, math.floor(0.2 * len(decisions)))
    candidates = sorted((x for x in decisions if x[1] == "ROUTE_EXPERIMENTAL_ONLY"), key=lambda x: (-x[2], x[0]))
    for x in candidates[cap:]:
        x[1] = "ROUTE_BLOCKED"
    return {(target, sym): r for sym, r, _ in decisions}


def main() -> int:
    root, db = sys.argv[1].rstrip("/"), sys.argv[2]
    ref: dict[tuple[str, str], str] = {}
    for target in sorted(os.listdir(root)):
        if os.path.exists(f"{root}/{target}/model_metadata.json"):
            ref.update(route_target(root, target))
    con = duckdb.connect(db, read_only=True)
    floor = {(t, s): r for t, s, r in con.execute("SELECT target, symbol, route FROM routed").fetchall()}
    diff = sorted((k, ref.get(k), floor.get(k)) for k in set(ref) | set(floor) if ref.get(k) != floor.get(k))
    print(f"reference decisions {len(ref)}, floor {len(floor)}, differences {len(diff)}")
    for k, a, b in diff[:20]:
        print(f"  {k}: reference {a}, floor {b}")
    print(dict(sorted(collections.Counter(ref.values()).items())))
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
