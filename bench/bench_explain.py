#!/usr/bin/env python3
"""Benchmarks for `explain` (issue 2): cold start of the CLI, and bulk throughput of the pipeline.

Run from the repository root: `python bench/bench_explain.py [--pods 10000] [--runs 15]`.
Figures go in the README; they are measured, not asserted, so a slow CI machine fails nothing.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

POD = {"apiVersion": "v1", "kind": "Pod",
       "metadata": {"name": "web-0", "labels": {"app": "web", "version": "v1"}},
       "spec": {"containers": [{"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 8080, "name": "http"}],
                                "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}}}]}}


def generated_pods(n: int):
    """Pods that differ the way a real fleet does: names, labels, annotations, a few opt-outs."""
    pods = []
    for i in range(n):
        pod = copy.deepcopy(POD)
        pod["metadata"]["name"] = f"web-{i}"
        pod["metadata"]["labels"]["app"] = f"svc-{i % 97}"
        if i % 10 == 0:
            pod["metadata"]["annotations"] = {"sidecar.istio.io/inject": "false"}
        if i % 7 == 0:
            pod["spec"]["containers"].append({"name": "side", "image": "busybox", "ports": [{"containerPort": 9000 + i % 100}]})
        pods.append(pod)
    return pods


def cold_start(runs: int) -> dict:
    import yaml

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "pod.yaml")
        with open(path, "w") as fh:
            yaml.safe_dump(POD, fh)
        cmd = [os.path.join(REPO, "kubectl-inject"), "explain", "-f", path, "-n", "mesh"]
        # As kubectl runs it (the script's shell line starts this Python with -S), with bytecode cached after
        # the first start. Some environments set PYTHONDONTWRITEBYTECODE, which makes every start recompile
        # every module; that is measured too.
        cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached["KUBECTL_INJECT_PYTHON"] = sys.executable
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=cached)
        times, uncached = [], []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=cached)
            times.append(time.perf_counter() - t)
            t = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env={**cached, "PYTHONDONTWRITEBYTECODE": "1"})
            uncached.append(time.perf_counter() - t)
        probe = subprocess.run(cmd + ["-o", "json"], capture_output=True, text=True, check=True,
                               env={**cached, "PYTHONPROFILEIMPORTTIME": "1"})     # the import log, on stderr
        imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in probe.stderr.splitlines()
                    if line.startswith("import time:")}
    return {"median_s": statistics.median(times), "min_s": min(times), "runs": runs,
            "no_bytecode_median_s": statistics.median(uncached),
            "kubernetes_imported": "kubernetes" in imported}


def throughput(n: int) -> dict:
    from plugin.state.sources import load_cluster_state
    from simulator import EngineCache, explain

    state, _, _, _ = load_cluster_state([])
    cache = EngineCache()      # one for the run, as the CLI keeps one
    pods = generated_pods(n)
    t = time.perf_counter()
    verdicts = {}
    for pod in pods:
        v = explain(pod, "mesh", state, None, cache).verdict.value
        verdicts[v] = verdicts.get(v, 0) + 1
    elapsed = time.perf_counter() - t
    return {"pods": n, "seconds": elapsed, "pods_per_s": n / elapsed, "verdicts": verdicts}


def cli_bulk(n: int) -> dict:
    import yaml

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "pods.yaml")
        with open(path, "w") as fh:
            yaml.safe_dump_all(generated_pods(n), fh)
        t = time.perf_counter()
        subprocess.run([os.path.join(REPO, "kubectl-inject"), "explain", "-f", path, "-n", "mesh", "-o", "json"],
                       check=True, stdout=subprocess.DEVNULL, env={**os.environ, "KUBECTL_INJECT_PYTHON": sys.executable})
        elapsed = time.perf_counter() - t
    return {"pods": n, "seconds": elapsed, "pods_per_s": n / elapsed}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pods", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    figures = {"cold_start": cold_start(args.runs), "pipeline": throughput(args.pods), "cli_bulk": cli_bulk(args.pods)}
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    c, p, b = figures["cold_start"], figures["pipeline"], figures["cli_bulk"]
    print(f"cold start, `kubectl-inject explain -f pod.yaml` (injected pod, text output): median {c['median_s']*1000:.0f} ms, "
          f"min {c['min_s']*1000:.0f} ms over {c['runs']} runs (target < 300 ms); without cached bytecode "
          f"{c['no_bytecode_median_s']*1000:.0f} ms; kubernetes client imported: {c['kubernetes_imported']}")
    print(f"pipeline throughput, {p['pods']} generated pods in-process: {p['pods_per_s']:.0f} pods/s "
          f"({p['seconds']:.2f} s; verdicts {p['verdicts']}) (target >= 2000 pods/s)")
    print(f"CLI end to end, {b['pods']} pods in one file, -o json: {b['pods_per_s']:.0f} pods/s ({b['seconds']:.2f} s)")


if __name__ == "__main__":
    main()
