#!/usr/bin/env python3
"""Scale benchmark (issue 10, section 4): N Deployments in one file, `explain -o json`, peak RSS summed over
the whole process tree (the CLI and its forked workers), sampled every 20 ms from /proc, and wall time.

    python3 bench/bench_scale.py [--objects 100000] [--output json] [--with-namespaces K] [--stdin] [--checkout DIR]

`--with-namespaces K`: the Deployments go into K namespaces whose Namespace documents are in the file too,
spread through it and the last at its end (explain applies them before the first object: a first pass finds
them).  `--stdin`: the file reaches the plugin through a pipe (`cat FILE | … -f -`), which it copies to a
private temporary file first.  `--checkout DIR` runs another checkout's plugin on the same input (e.g. the
main branch, for a before/after).

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


def deployments(n: int, fh, namespaces: int = 0) -> None:
    """`namespaces` > 0: Deployment i goes into namespace ns-(i % namespaces), and the Namespace documents
    (labelled for injection) come one every n / namespaces Deployments, the last one after them all."""
    every = -(-n // namespaces) if namespaces else 0

    def namespace_document(k: int) -> None:
        fh.write(f"---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-{k}\n  labels:\n"
                 f"    istio-injection: enabled\n")

    for i in range(n):
        if every and i % every == every - 1 and i // every < namespaces - 1:
            namespace_document(i // every)
        namespace = f"ns-{i % namespaces}" if namespaces else "mesh"
        fh.write(f"---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-{i}\n  namespace: {namespace}\n"
                 f"  labels:\n    app: svc-{i % 97}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n"
                 f"      app: svc-{i % 97}\n  template:\n    metadata:\n      labels:\n        app: svc-{i % 97}\n"
                 f"        version: v{i % 3}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n"
                 f"        ports:\n        - containerPort: {8000 + i % 900}\n          name: http\n")
    if namespaces:
        namespace_document(namespaces - 1)


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
    ap.add_argument("--with-namespaces", type=int, default=0, metavar="K",
                    help="the Deployments in K namespaces, whose Namespace documents are in the file")
    ap.add_argument("--stdin", action="store_true", help="give the file through a pipe (-f -)")
    ap.add_argument("--checkout", default=REPO, help="the checkout whose plugin runs (default: this one)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "deployments.yaml")
        with open(path, "w") as fh:
            deployments(args.objects, fh, args.with_namespaces)
        cmd = [sys.executable, "-m", "plugin", "explain", "--offline", "-f", "-" if args.stdin else path,
               "-o", args.output]
        t = time.perf_counter()
        feed = open(path, "rb") if args.stdin else None
        # `cat` feeds the pipe (not counted: it is not the plugin's memory)
        cat = subprocess.Popen(["cat"], stdin=feed, stdout=subprocess.PIPE) if feed else None
        proc = subprocess.Popen(cmd, cwd=args.checkout, stdin=cat.stdout if cat else None, stdout=subprocess.DEVNULL)
        if cat:
            cat.stdout.close()
        peak = 0
        while proc.poll() is None:
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.02)
        elapsed = time.perf_counter() - t
        if cat:
            cat.wait()
            feed.close()
    extra = (f" in {args.with_namespaces} namespaces given as Namespace documents" if args.with_namespaces else "")
    print(f"{args.objects} Deployments{extra}, -o {args.output}{' from a pipe' if args.stdin else ''}: peak RSS "
          f"{peak / 2**20:.0f} MB (process tree summed), {elapsed:.1f} s, {args.objects / elapsed:.0f} objects/s, "
          f"exit {proc.returncode}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
