"""Speed of simulator.yamlio against yaml.load(..., Loader=yaml.CSafeLoader), the reader it replaces.

    python -m tests.yamlio.bench

Two workloads: every document of Istio's injected goldens (`*.yaml.injected` of the injection corpus
tests/paths.py finds, the text a rendered sidecar pod looks like) and one file of 10,000 small Pods.  CPU time,
best of several rounds, the two readers interleaved so a busy machine slows both alike.
"""

import glob
import os
import statistics
import sys
import time

import yaml

from simulator import yamlio

from .. import paths

POD = """---
apiVersion: v1
kind: Pod
metadata:
  name: pod-%d
  namespace: default
  labels:
    app: web
    version: v1
  annotations:
    sidecar.istio.io/inject: "true"
spec:
  containers:
  - name: app
    image: nginx:1.25
    ports:
    - containerPort: 80
      protocol: TCP
    resources:
      requests:
        cpu: 100m
        memory: 128Mi
"""


def _cpu(fn):
    start = time.process_time()
    fn()
    return time.process_time() - start


def compare(name, texts, rounds):
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    docs = sum(1 for t in texts for _ in yamlio.load_all(t))

    def theirs():
        for t in texts:
            list(yaml.load_all(t, Loader=loader))

    def ours():
        for t in texts:
            list(yamlio.load_all(t))

    a, b = [], []
    for _ in range(rounds):
        a.append(_cpu(theirs))
        b.append(_cpu(ours))
    print("%-22s %6d docs  CSafeLoader %8.1f ms (%5.0f us/doc)  yamlio %8.1f ms (%5.0f us/doc)  "
          "speed-up %.1fx (median of rounds %.1fx)"
          % (name, docs, min(a) * 1e3, min(a) * 1e6 / docs, min(b) * 1e3, min(b) * 1e6 / docs,
             min(a) / min(b), statistics.median(x / y for x, y in zip(a, b))))


def main():
    try:
        _, corpus = paths.any_istio_corpus()
    except paths.Missing as e:
        sys.exit(str(e))
    goldens = sorted(glob.glob(os.path.join(corpus, "*.yaml.injected")))
    compare("rendered sidecar pods", [open(p, encoding="utf-8").read() for p in goldens], 15)
    compare("10,000 small Pods", ["".join(POD % i for i in range(10000))], 5)


if __name__ == "__main__":
    main()
