#!/usr/bin/env python3
"""Scale benchmark (issue 10, section 4): N Deployments in one file, `explain -o json`, peak RSS summed over
the whole process tree (the CLI and its forked workers), sampled every 20 ms from /proc, and wall time.

    python3 bench/bench_scale.py [--objects 100000] [--output json] [--checkout DIR]

`--checkout DIR` runs another checkout's plugin on the same input (e.g. the main branch, for a before/after).

Figures go in the README; nothing here asserts.  Linux only (/proc).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def deployments(n: int, fh) -> None:
    for i in range(n):
        fh.write(f"---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-{i}\n  namespace: mesh\n"
                 f"  labels:\n    app: svc-{i % 97}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n"
                 f"      app: svc-{i % 97}\n  template:\n    metadata:\n      labels:\n        app: svc-{i % 97}\n"
                 f"        version: v{i % 3}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n"
                 f"        ports:\n        - containerPort: {8000 + i % 900}\n          name: http\n")


def tree_rss(root: int) -> int:
    children = {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/stat") as fh:
                    children.setdefault(int(fh.read().rsplit(")", 1)[1].split()[1]), []).append(int(p))
            except OSError:
                pass
    total, stack = 0, [root]
    while stack:
        p = stack.pop()
        stack.extend(children.get(p, []))
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
    return total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--objects", type=int, default=100000)
    ap.add_argument("--output", default="json")
    ap.add_argument("--checkout", default=REPO, help="the checkout whose plugin runs (default: this one)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "deployments.yaml")
        with open(path, "w") as fh:
            deployments(args.objects, fh)
        cmd = [sys.executable, "-m", "plugin", "explain", "--offline", "-f", path, "-o", args.output]
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=args.checkout, stdout=subprocess.DEVNULL)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.02)
        elapsed = time.perf_counter() - t
    print(f"{args.objects} Deployments, -o {args.output}: peak RSS {peak / 2**20:.0f} MB (process tree summed), "
          f"{elapsed:.1f} s, {args.objects / elapsed:.0f} objects/s, exit {proc.returncode}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
