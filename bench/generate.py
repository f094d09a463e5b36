#!/usr/bin/env python3
"""Synthetic metrics generator for the training-router benchmark.

Usage:
    python bench/generate.py --scale {small,medium,large} --out DIR [--seed 42]
                             [--workers 2] [--force] [--parallel-writes]

Writes the layout of docs/ROUTING_RULES.md section 2:

    DIR/<target>/model_metadata.json         "SYMBOL:target:family" -> score, sample_size, ...
    DIR/<target>/target_confidence.json      about half of the targets
    DIR/<target>/leakage.json                about 45% of the targets
    DIR/<target>/stability/<universe>/r1..r5.json
        ~93% of the targets: universe ALL + 10% of the symbols, 5 snapshots x 60 features

Scales: small = a copy of this repository's examples/metrics when it exists (else 2 targets
x 5 symbols); medium = 50 targets x 500 symbols x 3 families; large = 200 x 3000 x 3.

Output is byte-identical for a given (scale, seed): every target draws from its own random
generator seeded from sha256(seed, scale, target), so the worker count and the order in
which workers finish do not matter. Workers compute in parallel; file creation is
serialised behind one lock (parallel creation was not faster on this machine's ext4).
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import multiprocessing as mp
import os
import random
import shutil
import sys
import time
from pathlib import Path

import thresholds

FAMILIES = ["lightgbm", "xgboost", "catboost"]
SCALES = {
    # name: (targets, symbols)
    "small": (2, 5),
    "medium": (50, 500),
    "large": (200, 3000),
}
SNAPSHOTS = 5
FEATURES_PER_SNAPSHOT = 60
FEATURE_POOL_PER_TARGET = 90
STABILITY_SYMBOL_FRACTION = 0.10
EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples" / "metrics"

# The default thresholds (cs_min, cs_strong, sym_min, sym_strong): scores are placed near them
REG_THRESHOLDS = thresholds.REGRESSION
CLS_THRESHOLDS = thresholds.CLASSIFICATION

REAL_TICKERS = ["AAPL", "MSFT", "NFLX", "AMZN", "GOOG", "META", "NVDA", "TSLA", "JPM", "XOM",
                "BRK.B", "V", "UNH", "HD", "PG", "KO", "PEP", "DIS", "INTC", "AMD"]
FEATURE_BASES = ["ret", "logret", "vol", "rv", "atr", "rsi", "macd", "obi", "spread_bp", "vwap_dev",
                 "volume_z", "trade_imb", "skew", "kurt", "hl_range", "ema_dev", "bb_width", "mom",
                 "zscore", "beta_mkt"]
FEATURE_WINDOWS = ["1m", "5m", "15m", "30m", "1h", "4h", "1d"]


# A fixed table of standard-normal draws; generators pick entries with getrandbits(16),
# which is several times faster than random.gauss and just as deterministic.
_NORM = None


def norm_table() -> list[float]:
    global _NORM
    if _NORM is None:
        r = random.Random(20261125)
        _NORM = [r.gauss(0.0, 1.0) for _ in range(1 << 16)]
    return _NORM


_IMP = None


def importance_strings() -> list[str]:
    """Importance text for a score gap below the top feature, in steps of 0.01."""
    global _IMP
    if _IMP is None:
        _IMP = ["%.6f" % (0.25 * math.exp(-(g / 100.0) / 15.0)) for g in range(60000)]
    return _IMP


def horizon_tier(target: str) -> str:
    import re
    for pat, mult in ((r"(\d+)m(_|$)", 1), (r"(\d+)h(_|$)", 60), (r"(\d+)d(_|$)", 1440)):
        m = re.search(pat, target)
        if m:
            minutes = int(m.group(1)) * mult
            if minutes < 60:
                return "short"
            if minutes < 240:
                return "medium"
            if minutes < 1440:
                return "long"
            return "very_long"
    return "default"


WRITE_LOCK = None


def _init_worker(lock) -> None:
    global WRITE_LOCK
    WRITE_LOCK = lock


def sub_rng(seed: int, scale: str, name: str) -> random.Random:
    h = hashlib.sha256(f"{seed}|{scale}|{name}".encode()).digest()
    return random.Random(int.from_bytes(h[:8], "big"))


def make_targets(n: int, rng: random.Random) -> list[tuple[str, bool]]:
    """Return n unique (target_name, is_classification)."""
    horizons = ["5m", "10m", "15m", "30m", "60m", "2h", "4h", "8h", "1d", "3d", "5d"]
    cls, reg = [], []
    for tmpl in ("y_will_peak", "y_will_swing_low", "y_will_swing_high", "y_will_breakout", "y_will_revert"):
        for h in horizons:
            for thr in ("0.20", "0.5", "1.0"):
                cls.append(f"{tmpl}_{h}_{thr}")
    for tmpl in ("fwd_ret", "fwd_vol", "fwd_ret_resid", "fwd_drawdown", "fwd_range"):
        for h in horizons:
            reg.append(f"{tmpl}_{h}")
    reg += ["fwd_ret_close_to_open", "fwd_ret_open_to_close", "fwd_ret_overnight"]
    cls += ["y_will_gap_up", "y_will_gap_down"]
    rng.shuffle(cls)
    rng.shuffle(reg)
    out = []
    ci = ri = 0
    for i in range(n):
        # 60% classification, 40% regression, interleaved
        if (i % 5) in (1, 3) and ri < len(reg):
            out.append((reg[ri], False)); ri += 1
        else:
            out.append((cls[ci], True)); ci += 1
    return out


def make_symbols(n: int, rng: random.Random) -> list[str]:
    syms = list(REAL_TICKERS[:n])
    seen = set(syms)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    while len(syms) < n:
        s = "".join(rng.choice(letters) for _ in range(rng.choice((3, 4, 4))))
        if s not in seen:
            seen.add(s)
            syms.append(s)
    return syms


def feature_pool() -> list[str]:
    return [f"{b}_{w}" for b in FEATURE_BASES for w in FEATURE_WINDOWS]


# --------------------------------------------------------------------------------------
# per-target generation
# --------------------------------------------------------------------------------------

KINDS = ("stable", "drifting", "diverged", "erratic")
HISTORIES_PER_KIND = 12   # ranking histories per kind and target (bank)
RELABELINGS = 8           # feature-name permutations per target (bank)


def gen_history(rng: random.Random, npool: int, kind: str) -> list[tuple[list[int], str, int]]:
    """One universe's ranking history: SNAPSHOTS x (pool indices of the 60 written
    features in written order, importances text, 0/1 written-unsorted flag).

    kinds: stable (small rank noise), drifting (random walk with moderate steps),
    diverged (independent random orderings), erratic (stable then a jump -> high std).
    """
    nt = norm_table()
    bits = rng.getrandbits
    imp_str = importance_strings()
    nimp = len(imp_str) - 1

    def noise() -> list[float]:
        # npool standard-normal draws from one getrandbits call
        raw = bits(16 * npool).to_bytes(2 * npool, "little")
        return [nt[k] for k in memoryview(raw).cast("H")]

    score = [-float(i) for i in range(npool)]  # base score = -rank
    out = []
    for t in range(SNAPSHOTS):
        if kind == "stable":
            cur = [s + 1.5 * z for s, z in zip(score, noise())]
        elif kind == "drifting":
            score = [s + 16.0 * z for s, z in zip(score, noise())]
            cur = score
        elif kind == "diverged":
            cur = [z * npool for z in noise()]
        else:  # erratic
            if t == 2:
                score = [z * npool for z in noise()]
            cur = [s + z for s, z in zip(score, noise())]
        idx = sorted(range(npool), key=cur.__getitem__, reverse=True)[:FEATURES_PER_SNAPSHOT]
        # importance decreasing with perturbed score, 6 decimals (so occasional ties)
        top = cur[idx[0]]
        imps = [imp_str[min(nimp, int((top - cur[i]) * 100))] for i in idx]
        unsorted = 0
        if bits(1):  # half the snapshots are written unsorted (rotated)
            off = 1 + bits(5)
            idx = idx[off:] + idx[:off]
            imps = imps[off:] + imps[:off]
            unsorted = 1
        out.append((idx, ", ".join(imps), unsorted))
    return out


def render_snapshots(rng: random.Random, target: str, universe: str, names: list[str],
                     history, base_day: int) -> list[tuple[str, str]]:
    """[(file name, json text)] for one universe from a banked history and a relabeling."""
    tq, uq = json.dumps(target), json.dumps(universe)
    bits = rng.getrandbits
    out = []
    for t, (idx, imps, _) in enumerate(history):
        day = base_day + t * 3
        run_id = f"r{t + 1}"
        hhmm = bits(11) % 1440
        created = f"2026-{10 + day // 30:02d}-{1 + day % 30:02d}T{hhmm // 60:02d}:{hhmm % 60:02d}:00Z"
        feats = json.dumps([names[i] for i in idx])
        out.append((f"{run_id}.json",
                    f'{{"target": {tq}, "universe": {uq}, "method": "lightgbm", "run_id": "{run_id}", '
                    f'"created_at": "{created}", "features": {feats}, "importances": [{imps}]}}'))
    return out


def gen_target(args: tuple) -> tuple[int, int]:
    out_dir, seed, scale, tidx, target, is_cls, symbols = args
    rng = sub_rng(seed, scale, target)
    tdir = os.path.join(out_dir, target)
    files = 0
    nbytes = 0

    pending: list[tuple[str, str | None]] = [(tdir, None)]  # (path, text); text None = directory

    def write(path: str, text: str) -> None:
        nonlocal files, nbytes
        data = text.encode()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        files += 1
        nbytes += len(data)

    tier = horizon_tier(target)
    if is_cls:
        cs_min, cs_strong, sym_min, sym_strong = CLS_THRESHOLDS
        task_type, metric_name = "BINARY_CLASSIFICATION", "roc_auc"
    else:
        cs_min, cs_strong, sym_min, sym_strong = REG_THRESHOLDS[tier]
        task_type, metric_name = "REGRESSION", "r2"
    span = sym_strong - sym_min

    # Forced scenarios for the first targets so that every route appears even at medium
    # scale; the rest are random.
    forced = {0: "target_blocked", 1: "cs_tiny", 2: "cs_low", 3: "cs_families_failed",
              4: "cs_diverged", 5: "cs_strong", 6: "cs_low", 7: "all_failed"}.get(tidx)

    # target quality (mean of symbol scores) in bands around the CS thresholds
    band = rng.random()
    if forced in ("cs_low",):
        band = 0.9
    if forced in ("cs_strong",):
        band = 0.1
    if forced == "cs_diverged":
        band = 0.5
    cs_span = cs_strong - cs_min
    if band < 0.35:
        q = rng.uniform(cs_strong, cs_strong + 0.6 * cs_span)
    elif band < 0.65:
        q = rng.uniform(cs_min + 0.1 * cs_span, cs_strong)
    else:
        q = rng.uniform(cs_min - 0.6 * cs_span, cs_min - 0.01 * cs_span)
    if is_cls and band >= 0.65:
        q = rng.uniform(0.49, 0.518)
    sym_sd = span * rng.uniform(0.25, 0.9)
    if forced == "cs_diverged" and is_cls:
        # CS unusable (diverged ALL ranking) and most symbols just below the symbol minimum:
        # many experimental candidates, so the experimental cap bites
        q, sym_sd = rng.uniform(0.525, 0.535), 0.012

    # task type info: most targets carry task_type+metric_name, some only metric_name,
    # some classification targets nothing at all (falls back to classification)
    tinfo = rng.random()
    if tinfo < 0.8:
        info = {"task_type": task_type, "metric_name": metric_name}
    elif tinfo < 0.92 or not is_cls:
        info = {"metric_name": metric_name}
    else:
        info = {}

    # ---- model_metadata.json (formatted by hand: ~3x faster than json.dumps per entry;
    # names are plain ASCII without quotes, floats use repr like json does)
    nt = norm_table()
    bits = rng.getrandbits
    info_str = "".join(f', "{k}": "{v}"' for k, v in info.items())
    failed = '{"score": null, "status": "FAILED", "error": "training diverged: nan loss"}'
    skipped = '{"score": null, "status": "SKIPPED", "error": "not enough positives"}'
    parts = []
    sym_scores = {}
    all_failed = forced == "all_failed"
    fam_noise = span * 0.1
    for sym in symbols:
        if rng.random() < 0.03:
            continue  # symbol not covered for this target
        base = q + sym_sd * nt[bits(16)]
        r = rng.random()
        if r < 0.07:
            n = rng.randrange(150, 1000)  # below symbol minimum
        else:
            n = int(30000 * math.exp(0.8 * nt[bits(16)]))
        sym_fail = all_failed or rng.random() < 0.02
        sym_scores[sym] = base
        for fam in FAMILIES:
            fr = rng.random()
            if sym_fail or fr < 0.04:
                e = failed
            elif fr < 0.05:
                e = skipped
            else:
                # at most 1: the best an AUC or an r2 can be (the router refuses more)
                sc = min(round(base + fam_noise * nt[bits(16)], 4), 1.0)
                sk = "auc" if is_cls and rng.random() < 0.02 else "score"
                nk = "n_samples" if rng.random() < 0.02 else "sample_size"
                st = ', "status": "OK"' if rng.random() < 0.8 else ""
                e = f'{{"{sk}": {sc!r}, "{nk}": {n}{st}{info_str}}}'
            parts.append(f'"{sym}:{target}:{fam}": {e}')
    pending.append((os.path.join(tdir, "model_metadata.json"), "{" + ",\n ".join(parts) + "}\n"))
    covered = list(sym_scores)

    # ---- target_confidence.json
    has_tc = forced in ("cs_tiny", "cs_families_failed") or (forced is None and rng.random() < 0.5)
    if has_tc:
        tc = {"score": min(round(q + rng.gauss(0, span * 0.05), 4), 1.0)}
        if forced == "cs_tiny" or (forced is None and rng.random() < 0.08):
            tc["sample_size"] = rng.randrange(1500, 5000)
        else:
            tc["sample_size"] = int(rng.uniform(1e5, 3e6))
        tc.update(info)
        sr = rng.random()
        if sr < 0.25:
            tc["stability"] = rng.choice(["STABLE", "STABLE", "DRIFTING", "DIVERGED", "UNKNOWN"])
        fams = {f: ("FAILED" if rng.random() < 0.1 else "OK") for f in FAMILIES}
        if forced == "cs_families_failed" or (forced is None and rng.random() < 0.05):
            fams = {f: "FAILED" for f in FAMILIES}
        if rng.random() < 0.85:
            tc["model_families"] = fams
        pending.append((os.path.join(tdir, "target_confidence.json"), json.dumps(tc, indent=2) + "\n"))

    pool_all = feature_pool()
    pool = rng.sample(pool_all, FEATURE_POOL_PER_TARGET)

    # ---- leakage.json
    has_leak = forced == "target_blocked" or (rng.random() < 0.45)
    if has_leak:
        lr = rng.random()
        if forced == "target_blocked" or lr < 0.10:
            status = "BLOCKED"
        elif lr < 0.25:
            status = "SUSPECT"
        elif lr < 0.90:
            status = "SAFE"
        else:
            status = None
        leak = {}
        if status:
            leak["status"] = status
        syms = {}
        for sym in covered:
            x = rng.random()
            if x < 0.02:
                syms[sym] = "BLOCKED"
            elif x < 0.04:
                syms[sym] = "SUSPECT"
            elif x < 0.06:
                syms[sym] = "SAFE"
        if syms:
            leak["symbols"] = syms
        feats = {"ret_fwd_leak": "BLOCKED"}
        for f in rng.sample(pool, 6):
            feats[f] = rng.choice(["SAFE", "SAFE", "SUSPECT", "BLOCKED"])
        leak["features"] = feats
        pending.append((os.path.join(tdir, "leakage.json"), json.dumps(leak, indent=2) + "\n"))

    # ---- stability snapshots
    # To keep 280k files cheap, each target draws HISTORIES_PER_KIND ranking histories per
    # kind and RELABELINGS feature-name permutations; a universe picks one of each (96
    # distinct histories per kind and target).
    has_stab = forced is not None or rng.random() < 0.93
    if has_stab:
        n_stab = max(1, round(STABILITY_SYMBOL_FRACTION * len(covered)))
        stab_syms = rng.sample(covered, min(n_stab, len(covered)))
        universes = ["ALL"] + sorted(stab_syms)
        base_day = rng.randrange(0, 20)
        bank = {kd: [gen_history(rng, len(pool), kd) for _ in range(HISTORIES_PER_KIND)] for kd in KINDS}
        relabel = [rng.sample(pool, len(pool)) for _ in range(RELABELINGS)]
        for uni in universes:
            k = rng.random()
            if uni == "ALL":
                if forced == "cs_diverged":
                    kind = "diverged"
                elif forced == "cs_strong":
                    kind = "stable"
                else:
                    kind = "stable" if k < 0.5 else "drifting" if k < 0.75 else "diverged" if k < 0.9 else "erratic"
            else:
                kind = "stable" if k < 0.4 else "drifting" if k < 0.7 else "diverged" if k < 0.9 else "erratic"
            hist = bank[kind][rng.randrange(HISTORIES_PER_KIND)]
            names = relabel[rng.randrange(RELABELINGS)]
            udir = os.path.join(tdir, "stability", uni)
            pending.append((udir, None))
            for fname, text in render_snapshots(rng, target, uni, names, hist, base_day):
                pending.append((os.path.join(udir, fname), text))
    # Writes are serialised across workers (one lock): creating files from two processes at
    # once was several times slower than from one on this machine's ext4.
    with (WRITE_LOCK if WRITE_LOCK is not None else contextlib.nullcontext()):
        for path, text in pending:
            if text is None:
                os.makedirs(path, exist_ok=True)
            else:
                write(path, text)
    return files, nbytes


def copy_examples(out: Path) -> tuple[int, int]:
    files = nbytes = 0
    for src in sorted(EXAMPLES_DIR.rglob("*")):
        if src.is_file():
            dst = out / src.relative_to(EXAMPLES_DIR)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
            files += 1
            nbytes += src.stat().st_size
    return files, nbytes


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", choices=sorted(SCALES), required=True)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--force", action="store_true", help="delete --out first if it is not empty")
    ap.add_argument("--parallel-writes", action="store_true",
                    help="let workers create files concurrently (measured slower here)")
    a = ap.parse_args(argv)

    out: Path = a.out
    if out.exists() and any(out.iterdir()):
        if not a.force:
            print(f"error: {out} is not empty (use --force to replace it)", file=sys.stderr)
            return 2
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()

    if a.scale == "small" and EXAMPLES_DIR.is_dir():
        files, nbytes = copy_examples(out)
        print(f"copied {EXAMPLES_DIR}")
    else:
        n_t, n_s = SCALES[a.scale]
        g = sub_rng(a.seed, a.scale, "__global__")
        targets = make_targets(n_t, g)
        symbols = make_symbols(n_s, g)
        jobs = [(str(out), a.seed, a.scale, i, t, c, symbols) for i, (t, c) in enumerate(targets)]
        files = nbytes = 0
        if a.workers > 1 and len(jobs) > 1:
            ctx = mp.get_context("fork")
            with ctx.Pool(a.workers, initializer=_init_worker, initargs=(None if a.parallel_writes else ctx.Lock(),)) as pool:
                for f, b in pool.imap_unordered(gen_target, jobs, chunksize=1):
                    files += f
                    nbytes += b
        else:
            for j in jobs:
                f, b = gen_target(j)
                files += f
                nbytes += b
    dt = time.perf_counter() - t0
    print(f"scale={a.scale} seed={a.seed} out={out}")
    print(f"files={files} bytes={nbytes} ({nbytes / 1e6:.1f} MB) seconds={dt:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
