"""Live commands on a real kube-apiserver with many pods: `status -A` and `explain deployment/NAME`, whole process,
side by side with `istioctl x injector list` / `x check-inject` when the cached istioctl is there.

    python3 bench/bench_live.py [--namespaces 100] [--workloads 5] [--pods 10] [--runs 5]

Starts the tests' kube-apiserver + etcd (tests/realcluster, built once and cached), fills it with the embedded
default's Istio objects and NAMESPACES x WORKLOADS Deployments of PODS pods each (half the namespaces
labelled for injection, pods created without sidecars as by a webhook nothing serves), then times the runs.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import glob
import os
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
ENTRY = os.path.join(REPO, "kubectl-inject")


def populate(live, namespaces, workloads, pods):
    from tests.live import workloads as wl

    def one_namespace(n):
        ns = f"bench-{n:03d}"
        wl.namespace(live, ns, {"istio-injection": "enabled"} if n % 2 else {})
        for w in range(workloads):
            _, rs = wl.deployment(live, ns, f"svc-{w}", replicas=pods)
            wl.pods(live, rs, pods)

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(one_namespace, range(namespaces)))


def timed(argv, env, runs):
    times, last = [], None
    for _ in range(runs):
        start = time.monotonic()
        last = subprocess.run(argv, env=env, capture_output=True, text=True)
        times.append(time.monotonic() - start)
        if last.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(argv)} failed ({last.returncode}):\n{last.stderr[-2000:]}")
    return statistics.median(times), min(times), last


def istioctl_binary():
    found = sorted(glob.glob(os.path.expanduser("~/.cache/kubectl-inject/istioctl/master-*/istioctl")))
    return found[-1] if found else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--namespaces", type=int, default=100)
    ap.add_argument("--workloads", type=int, default=5)
    ap.add_argument("--pods", type=int, default=10)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    from tests.live.conftest import LIMITED_TOKEN, LIMITED_USER, state_only_cluster
    from tests.realcluster import apiserver

    cluster = apiserver.Cluster(apiserver.apiserver_binary(), apiserver.etcd_binary(),
                                extra_tokens=[(LIMITED_TOKEN, LIMITED_USER)]).start()
    try:
        home = tempfile.mkdtemp(prefix="kubectl-inject-bench-live-")
        live, kubeconfig = state_only_cluster(cluster, home)
        start = time.monotonic()
        populate(live, args.namespaces, args.workloads, args.pods)
        total = args.namespaces * args.workloads * args.pods
        print(f"created {total} pods in {args.namespaces * args.workloads} workloads over {args.namespaces} "
              f"namespaces in {time.monotonic() - start:.0f} s")
        env = dict(os.environ, KUBECONFIG=kubeconfig, HOME=home, KUBECTL_INJECT_PYTHON=sys.executable)
        env.pop("PYTHONDONTWRITEBYTECODE", None)      # timed as users run it: with cached bytecode
        rows = []
        median, best, run = timed([ENTRY, "status", "-A", "-o", "json", "-v", "6"], env, args.runs)
        calls = [ln for ln in run.stderr.splitlines() if ln.startswith("I GET ")]
        rows.append(("kubectl inject status -A -o json", median, best, f"{len(calls)} API requests"))
        median, best, run = timed([ENTRY, "status", "-A"], env, args.runs)
        rows.append(("kubectl inject status -A (table)", median, best, ""))
        median, best, run = timed([ENTRY, "explain", "deployment/svc-0", "-n", "bench-001", "-v", "6"], env, args.runs)
        calls = [ln for ln in run.stderr.splitlines() if ln.startswith("I GET ")]
        rows.append(("kubectl inject explain deployment/svc-0", median, best, f"{len(calls)} API requests"))
        istioctl = istioctl_binary()
        if istioctl:
            for argv, label in (([istioctl, "x", "injector", "list"], "istioctl x injector list"),
                                ([istioctl, "x", "check-inject", "deployment/svc-0", "-n", "bench-001"],
                                 "istioctl x check-inject deployment/svc-0")):
                try:
                    median, best, run = timed(argv + ["--kubeconfig", kubeconfig], env, args.runs)
                    rows.append((label, median, best, ""))
                except SystemExit as e:
                    rows.append((label, float("nan"), float("nan"), str(e).splitlines()[-1][:80]))
        print(f"{'command':45} {'median':>8} {'best':>8}")
        for label, median, best, note in rows:
            print(f"{label:45} {median:8.2f} {best:8.2f}  {note}")
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
