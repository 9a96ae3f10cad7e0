"""Throughput of simulator.istio with Istio 1.30.3's real sidecar template (chart defaults).

    python3 -m tests.istio.bench [--rounds N]

Measures, in one process: every pod template of Istio's injection corpus injected in webhook mode
("distinct": each pod different, nothing reused between pods but the parsed templates), the same pods
again ("replicas": rendered text already seen, as for the replicas of one workload), and one workload
repeated; per pod median and pods/s over the best round.  Also the cold cost of one kube-inject in a fresh
process against `istioctl kube-inject` on the same input.  Needs the injector configuration from the real
istioctl (tests/oracles/istioctl.py); prints why when it is missing.
"""

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tests.istio import parity

_INJECTABLE = ("Deployment", "DeploymentConfig", "DaemonSet", "StatefulSet", "Job", "ReplicaSet",
               "ReplicationController", "Pod")


def corpus_pods():
    from simulator import yamlio
    from simulator.yamlio.reader import split_documents

    def parts(doc):
        if not isinstance(doc, dict):
            return []
        if doc.get("kind") in _INJECTABLE:
            return [doc]
        if doc.get("kind") == "List":
            return [x for i in doc.get("items") or [] for x in parts(i)]
        return []

    pods = []
    for p in parity.corpus_inputs():
        for raw in split_documents(p.read_text()):
            for w in parts(yamlio.load(raw)):
                if w["kind"] == "Pod":
                    pods.append({"metadata": w.get("metadata") or {}, "spec": w.get("spec") or {}})
                else:
                    t = (w.get("spec") or {}).get("template") or {}
                    meta = dict(t.get("metadata") or {}, generateName=w["metadata"]["name"] + "-7d4b9c-")
                    pods.append({"metadata": meta, "spec": t.get("spec") or {}})
    return pods


def _run(pods, config, ctx, forget):
    from simulator.errors import TemplateRenderError
    from simulator.istio import inject as mod

    times = []
    start = time.perf_counter()
    for pod in pods:
        if forget:
            ctx.cache.discard("overlay", "template-pod")
        t = time.perf_counter()
        try:
            mod.inject(pod, config, context=ctx)
        except TemplateRenderError:
            pass
        times.append(time.perf_counter() - t)
    return len(pods) / (time.perf_counter() - start), statistics.median(times)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    parity.ensure_oracle_env()
    from tests.oracles import istioctl
    from simulator.istio.inject import Context

    try:
        s = parity.setup("1.30.3", parity.VARIANT_BY_NAME["default"])
    except istioctl.OracleUnavailable as e:
        print("no injector configuration: %s" % e.reason)
        return 1
    config = s.config
    ctx = Context(config, mode="webhook", nodes=["v1.33.0"])
    pods = corpus_pods()
    _run(pods[:5], config, ctx, False)
    one = [pods[0]] * len(pods)
    for label, batch, forget in (("distinct corpus pods", pods, True), ("corpus pods, texts seen", pods, False),
                                 ("one workload's replicas", one, False)):
        best = max((_run(batch, config, ctx, forget) for _ in range(args.rounds)), key=lambda r: r[0])
        print("%-26s %4d pods: median %.2f ms/pod, %.0f pods/s" % (label, len(batch), best[1] * 1e3, best[0]))
    _cold(s)
    return 0


_COLD = """
import json, sys, time
t0 = time.perf_counter()
from simulator.istio.kubeinject import kube_inject_text
from tests.istio.parity import load_config
cfg = load_config(*sys.argv[2:5])
out, err, e = kube_inject_text(open(sys.argv[1]).read(), cfg)
assert e is None and out
"""


def _cold(s):
    from tests.oracles import istioctl

    manifest = parity.CACHE / "bench-hello.yaml"
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text((parity.CORPUS / "hello.yaml").read_text())
    inputs = [str(s.inputs[k]) for k in ("inject_config", "values", "mesh_config")]
    ours, theirs = [], []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", _COLD, str(manifest)] + inputs, check=True,
                       cwd=Path(__file__).resolve().parents[2])
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        istioctl.run_istioctl("1.30.3", ["kube-inject", "--revision", "default", "-f", manifest,
                                         "--injectConfigFile", s.inputs["inject_config"],
                                         "--meshConfigFile", s.inputs["mesh_config"], "--valuesFile", s.inputs["values"]],
                              timeout=60)
        theirs.append(time.perf_counter() - t)
    print("one kube-inject, fresh process: simulator %.0f ms, istioctl %.0f ms (medians of 5)"
          % (statistics.median(ours) * 1e3, statistics.median(theirs) * 1e3))


if __name__ == "__main__":
    sys.exit(main())
