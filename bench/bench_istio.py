#!/usr/bin/env python3
"""Benchmark for real Istio configurations (issue 4): `kubectl-inject explain` with Istio's own sidecar
template against `istioctl kube-inject` on the same inputs.

    python3 bench/bench_istio.py [--pods 2000] [--runs 9] [--istioctl PATH]

The injector configuration is Istio 1.30.3's chart with default values (../shared/istio/1.30.3/chart,
assembled as Helm would), written to the three files both programs take.  Measured:
  - one pod, whole process: `kubectl-inject explain -o pod` and `-o kube-inject` (istioctl's own job: one
    injection, no webhook) vs `istioctl kube-inject`, median of --runs,
    the programs taking turns (bytecode cached, as after an install; parse-tree cache warm, and cold with
    KUBECTL_INJECT_CACHE=off).  kubectl-inject is run as kubectl runs it: the file is executed, its shell line
    starts Python with -S (KUBECTL_INJECT_PYTHON names this interpreter, so that no wrapper such as
    pyenv's shim is timed); `python3 kubectl-inject`, which pays for the `site` hooks of the machine's
    Python, is shown too;
  - bulk: --pods distinct pods in one file, whole process, pods/s for both programs, median of --bulk-runs
    taken in turns (`-o pod` runs two injections per pod: the webhook's, for the cluster's verdict, and
    kube-inject's, for the text; `-o kube-inject` one, as istioctl);
  - the engine alone: explain() per pod in one process, pods/s.
istioctl: --istioctl, else the oracle's (tests/oracles/istioctl.py: KUBECTL_INJECT_ISTIOCTL_* or the master
snapshot built from the Go module proxy); without one only our side is measured.  Figures go in the
README; nothing here asserts a time.
"""
from __future__ import annotations

import argparse
import copy
import os
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
SHARED = os.environ.get("KUBECTL_INJECT_SHARED", os.path.join(os.path.dirname(REPO), "shared"))
CHART = os.path.join(SHARED, "istio", "1.30.3", "chart")

POD = {"apiVersion": "v1", "kind": "Pod",
       "metadata": {"name": "web-0", "labels": {"app": "web", "version": "v1"}},
       "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                                "ports": [{"containerPort": 8080, "name": "http"}],
                                "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}}}]}}


def fleet(n):
    """Distinct pods, varied the way a real namespace is: names, apps, probes, extra containers, ports,
    Prometheus and proxy annotations."""
    pods = []
    for i in range(n):
        pod = copy.deepcopy(POD)
        meta, spec = pod["metadata"], pod["spec"]
        meta["name"] = f"web-{i}"
        meta["labels"] = {"app": f"svc-{i % 97}", "version": f"v{i % 3}"}
        annotations = {}
        if i % 5 == 0:
            annotations["prometheus.io/scrape"] = "true"
            annotations["prometheus.io/port"] = str(9000 + i % 50)
        if i % 11 == 0:
            annotations["proxy.istio.io/config"] = '{"holdApplicationUntilProxyStarts": true}'
        if i % 13 == 0:
            annotations["traffic.sidecar.istio.io/excludeOutboundPorts"] = "5432"
        if annotations:
            meta["annotations"] = annotations
        spec["containers"][0]["ports"][0]["containerPort"] = 8000 + i % 900
        spec["containers"][0]["readinessProbe"]["httpGet"]["port"] = 8000 + i % 900
        if i % 7 == 0:
            spec["containers"].append({"name": "side", "image": "busybox", "command": ["sleep", "3600"],
                                       "livenessProbe": {"tcpSocket": {"port": 9000 + i % 100}}})
        pods.append(pod)
    return pods


def config_files(d):
    from plugin.state.release import release_configmaps

    injector, mesh = release_configmaps(CHART)
    paths = {}
    for name, text in (("inject-config.yaml", injector["data"]["config"]), ("values.json", injector["data"]["values"]),
                       ("mesh-config.yaml", mesh["data"]["mesh"])):
        paths[name] = os.path.join(d, name)
        with open(paths[name], "w") as fh:
            fh.write(text)
    return paths


def _time(cmd, env=None, runs=1):
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        out.append(time.perf_counter() - t)
    return out


def _take_turns(commands, runs):
    """Median seconds of each (cmd, env), run in turns so that the machine's drift hits all alike."""
    times = {name: [] for name in commands}
    for _ in range(runs):
        for name, (cmd, env) in commands.items():
            times[name].extend(_time(cmd, env))
    return {name: statistics.median(t) for name, t in times.items()}


def find_istioctl(given):
    if given:
        return given
    try:
        from tests.istio import parity
        from tests.oracles import istioctl

        parity.ensure_oracle_env()
        for version in parity.RELEASES:
            try:
                return str(istioctl.istioctl_binary(version))
            except istioctl.OracleUnavailable:
                continue
    except ImportError:
        pass
    return None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pods", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--bulk-runs", type=int, default=3)
    ap.add_argument("--istioctl", help="path of an istioctl to compare with")
    args = ap.parse_args(argv)
    if not os.path.isdir(CHART):
        print(f"Istio's chart is not at {CHART}; set KUBECTL_INJECT_SHARED")
        return 1
    import yaml

    istioctl = find_istioctl(args.istioctl)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as d:
        files = config_files(d)
        one = os.path.join(d, "pod.yaml")
        with open(one, "w") as fh:
            yaml.safe_dump(POD, fh)
        many = os.path.join(d, "fleet.yaml")
        pods = fleet(args.pods)
        with open(many, "w") as fh:
            yaml.safe_dump_all(pods, fh)
        env["KUBECTL_INJECT_CACHE_DIR"] = os.path.join(d, "trees")
        ours_args = ["--inject-config", files["inject-config.yaml"], "--values", files["values.json"],
                     "--mesh-config", files["mesh-config.yaml"]]
        env["KUBECTL_INJECT_PYTHON"] = sys.executable
        ours = [os.path.join(REPO, "kubectl-inject"), "explain", "-n", "mesh"] + ours_args
        theirs_args = ["--injectConfigFile", files["inject-config.yaml"], "--valuesFile", files["values.json"],
                       "--meshConfigFile", files["mesh-config.yaml"], "--revision", "default"]
        home = os.path.join(d, "home")
        os.mkdir(home)
        theirs_env = {"PATH": os.environ.get("PATH", ""), "HOME": home, "KUBECONFIG": os.path.join(home, "none")}

        _time(ours + ["-f", one, "-o", "pod"], env)        # bytecode and parse trees written once
        commands = {
            "warm": (ours + ["-f", one, "-o", "pod"], env),
            "manual": (ours + ["-f", one, "-o", "kube-inject"], env),
            "cold": (ours + ["-f", one, "-o", "pod"], dict(env, KUBECTL_INJECT_CACHE="off")),
            "site": ([sys.executable] + ours + ["-f", one, "-o", "pod"], env),
            "bare -S": ([sys.executable, "-S", "-c", "pass"], env),
            "bare": ([sys.executable, "-c", "pass"], env),
        }
        if istioctl:
            commands["istioctl"] = ([istioctl, "kube-inject", "-f", one] + theirs_args, theirs_env)
        med = {name: t * 1e3 for name, t in _take_turns(commands, args.runs).items()}
        print("one pod, whole process (median of %d, in turns):" % args.runs)
        ratio = (lambda ms: "  %.2f× istioctl's time" % (ms / med["istioctl"])) if istioctl else (lambda ms: "")
        print("  kubectl-inject explain -o pod          %6.0f ms   (run as kubectl runs it; parse trees cached)%s"
              % (med["warm"], ratio(med["warm"])))
        print("  kubectl-inject explain -o kube-inject  %6.0f ms   (istioctl's job: one injection)%s"
              % (med["manual"], ratio(med["manual"])))
        print("  kubectl-inject explain -o pod      %6.0f ms   (KUBECTL_INJECT_CACHE=off)" % med["cold"])
        print("  python3 kubectl-inject explain ... %6.0f ms   (with the start-up work of this Python's site)" % med["site"])
        print("    interpreter start                %6.0f ms   (python -S -c pass; %.0f ms with site)"
              % (med["bare -S"], med["bare"]))
        if istioctl:
            print("  istioctl kube-inject               %6.0f ms   (%s)" % (med["istioctl"], istioctl))
        else:
            print("  istioctl kube-inject               (no istioctl here: pass --istioctl)")

        bulk = {fmt: (ours + ["-f", many, "-o", fmt], env) for fmt in ("pod", "kube-inject", "json")}
        if istioctl:
            bulk["istioctl"] = ([istioctl, "kube-inject", "-f", many] + theirs_args, theirs_env)
        secs = _take_turns(bulk, args.bulk_runs)
        print("bulk, %d distinct pods in one file, whole process (median of %d, in turns):" % (args.pods, args.bulk_runs))
        for name, t in secs.items():
            label = "istioctl kube-inject" if name == "istioctl" else "kubectl-inject explain -o " + name
            versus = ("  %.2f× istioctl's pods/s" % (secs["istioctl"] / t)) if istioctl and name != "istioctl" else ""
            print("  %-38s %6.0f pods/s  (%.1f s)%s" % (label, args.pods / t, t, versus))

        from plugin.state.sources import apply_config_files, load_cluster_state
        from simulator import EngineCache, Options, explain

        state = load_cluster_state([])[0]
        state = apply_config_files(state, files["inject-config.yaml"], files["values.json"], files["mesh-config.yaml"])
        options = Options(admission_defaults=True)
        cache = EngineCache()      # one for the run, as the CLI keeps one
        explain(pods[0], "mesh", state, options, cache)
        t = time.perf_counter()
        verdicts = [explain(p, "mesh", state, options, cache).verdict.value for p in pods]
        t = time.perf_counter() - t
        assert verdicts.count("injected") == len(pods), "every fleet pod must be injected"
        print("engine alone, explain() per pod:     %6.0f pods/s" % (len(pods) / t))
    return 0


if __name__ == "__main__":
    sys.exit(main())
