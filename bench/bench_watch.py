"""Does `kubectl inject watch` keep up with pods created at a steady rate on the local control plane?

    python3 bench/bench_watch.py [--rate 50] [--seconds 20]

Starts the tests' kube-apiserver + etcd (tests/realcluster, built once and cached) with the embedded default's
Istio objects (the webhook calls a URL nothing serves, failurePolicy Ignore: the API server stores pods without a
sidecar, so the injected namespace's pods all disagree — the heavier path: a full injection predicted per pod),
starts `kubectl inject watch -A -o json` as a user runs it, then creates RATE pods per second for SECONDS
seconds (half in an injection-enabled namespace, half in a plain one, each with its own ReplicaSet owner) and
measures, per pod, the time from its CREATE returning to its line being read from the watch's output.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
ENTRY = os.path.join(REPO, "kubectl-inject")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rate", type=float, default=50.0, help="pod creations per second")
    ap.add_argument("--seconds", type=float, default=20.0)
    args = ap.parse_args()

    from tests.live import workloads as wl
    from tests.live.conftest import state_only_cluster
    from tests.realcluster import apiserver

    cluster = apiserver.Cluster(apiserver.apiserver_binary(), apiserver.etcd_binary()).start()
    proc = None
    try:
        home = tempfile.mkdtemp(prefix="kubectl-inject-bench-watch-")
        live, kubeconfig = state_only_cluster(cluster, home)
        wl.namespace(live, "bench-inj", {"istio-injection": "enabled"})
        wl.namespace(live, "bench-plain")
        owners = {ns: wl.deployment(live, ns, "load", replicas=0)[1] for ns in ("bench-inj", "bench-plain")}
        env = dict(os.environ, KUBECONFIG=kubeconfig, HOME=home)
        proc = subprocess.Popen([sys.executable, ENTRY, "watch", "-A", "-o", "json", "-v", "6"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        seen, ready, errors = {}, threading.Event(), []

        def read_out():
            for line in proc.stdout:
                record = json.loads(line)
                seen.setdefault(record["object"]["name"], (time.monotonic(), record))

        def read_err():
            for line in proc.stderr:
                errors.append(line)
                if line.startswith("watching"):
                    ready.set()

        threading.Thread(target=read_out, daemon=True).start()
        threading.Thread(target=read_err, daemon=True).start()
        if not ready.wait(120):
            raise SystemExit("watch did not start:\n" + "".join(errors))
        total = int(args.rate * args.seconds)
        created = {}
        start = time.monotonic()

        def create(i):
            ns = ("bench-inj", "bench-plain")[i % 2]
            rs = owners[ns]
            pod = {"apiVersion": "v1", "kind": "Pod",
                   "metadata": {"name": f"load-5f7d-{i:05d}", "namespace": ns, "labels": {"app": "load", "pod-template-hash": "5f7d"},
                                "ownerReferences": [wl.owner(rs)]},
                   "spec": {"containers": [{"name": "app", "image": wl.APP_IMAGE}]}}
            due = start + i / args.rate
            time.sleep(max(0.0, due - time.monotonic()))
            live.create(pod)
            created[pod["metadata"]["name"]] = time.monotonic()

        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            list(pool.map(create, range(total)))
        made = time.monotonic() - start
        deadline = time.monotonic() + 60
        while len(seen) < total and time.monotonic() < deadline:
            time.sleep(0.1)
        caught_up = time.monotonic() - start
        lags = sorted(seen[n][0] - t for n, t in created.items() if n in seen)
        print(f"created {total} pods in {made:.1f} s ({total / made:.1f}/s); watch reported {len(seen)} "
              f"(each once: {len(seen) == total}), the last {caught_up - made:.2f} s after the last creation")
        if lags:
            print(f"lag from CREATE to its line: median {statistics.median(lags) * 1000:.0f} ms, "
                  f"p95 {lags[int(len(lags) * 0.95) - 1] * 1000:.0f} ms, max {lags[-1] * 1000:.0f} ms")
        agree = sum(1 for _, r in seen.values() if r["agrees"])
        print(f"agrees: {agree}, disagrees: {len(seen) - agree} (the bench's webhook is never served: "
              "the bench-inj pods have no sidecar)")
    finally:
        if proc is not None and proc.poll() is None:
            import signal

            proc.send_signal(signal.SIGINT)
            proc.wait(30)
        cluster.stop()


if __name__ == "__main__":
    main()
