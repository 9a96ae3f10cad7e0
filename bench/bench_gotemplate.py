"""Benchmark: Istio's real sidecar injection template, pure-Python engine versus Go's text/template.

Parse once, execute many, report the median time per render on both sides.  The template is read at run
time from ../shared (or --template); nothing of Istio's is copied into the repository.  The data is a
plain-dict approximation of Istio's SidecarTemplateData (Go field names as map keys, Values from the chart's
`_internal_defaults_do_not_set` with numbers as float64, as Istio decodes them), and exactly the same data
goes to Go through the oracle's tagged JSON.  Istio's functions are replaced on both sides by the same
simple stand-ins (here and in tests/gotemplate/oracle/bench.go), so the two renderings must be identical;
the script checks that and says so.

    python bench/bench_gotemplate.py [--runs N] [--show] [--json]

Targets (issue 3): under 5 ms per render and within 10x of Go.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.gotemplate import Template  # noqa: E402
from simulator.gotemplate.funcs import gofunc  # noqa: E402
from simulator.gotemplate.fmt import sprint  # noqa: E402
from simulator.gotemplate.values import StringMap  # noqa: E402
from simulator.sprig.conv import go_lower  # noqa: E402
from simulator.sprig.tojson import JSONError, marshal, marshal_indent, unmarshal  # noqa: E402

CHART = ROOT.parent / "shared" / "istio" / "1.30.3" / "chart"
TEMPLATE = CHART / "files" / "injection-template.yaml"


def istio_stand_ins():
    """Python twins of bench.go's benchFuncs (not Istio's exact semantics; identical to the Go stand-ins)."""

    @gofunc("any", "string", "any", returns="string")
    def annotation(meta, name, default):
        ann = meta.get("Annotations") if isinstance(meta, dict) else None
        if isinstance(ann, StringMap) and name in ann:
            return ann[name]
        return sprint(default)

    @gofunc("map[string]string", "string", returns="bool")
    def isset(m, key):
        return m is not None and key in m

    @gofunc("any", "any", returns="interface {}")
    def value_or_default(value, default):
        if value is None or (isinstance(value, str) and value == ""):
            return default
        return value

    @gofunc("any", "string", returns="string")
    def exclude_inbound_port(port, ports):
        p = sprint(port).strip()
        if p in ("", "0"):
            return ports
        kept = []
        for item in ports.split(","):
            if item == p:
                return ports
            if item.strip():
                kept.append(item.strip())
        return ",".join(kept + [p])

    @gofunc("any", returns="string")
    def to_yaml(v):
        try:
            return marshal_indent(v) + "\n"
        except JSONError:
            return ""

    @gofunc("int", "string", returns="string")
    def indent(n, s):
        return s.replace("\n", "\n" + " " * n)

    @gofunc("string", returns="string")
    def directory(p):
        return p[:p.rfind("/") + 1]

    @gofunc("string", "string", returns="bool")
    def contains(needle, haystack):
        return needle in haystack

    @gofunc("string", returns="string")
    def to_lower(s):
        return go_lower(s)

    @gofunc("string", "string", returns="string")
    def env(key, default):
        return default

    @gofunc("string", returns="interface {}")
    def from_json(s):
        v, err = unmarshal(s)
        return "{}" if err is not None else v

    @gofunc("any", returns="string")
    def struct_to_json(v):
        if v is None:
            return "{}"
        try:
            return marshal(v)
        except JSONError:
            return "{}"

    @gofunc("any", returns="string")
    def proto_to_json(v):
        try:
            return marshal(v)
        except JSONError:
            return "{}"

    @gofunc("any", returns="interface {}")
    def omit_nil(v):
        return v

    @gofunc("string", "string", returns="string")
    def append_multus(existing, net):
        return net if existing == "" else existing

    @gofunc(variadic="any", returns="string")
    def otel(*args):
        return ""

    return {
        "annotation": annotation, "isset": isset, "valueOrDefault": value_or_default,
        "excludeInboundPort": exclude_inbound_port, "toYaml": to_yaml, "indent": indent,
        "directory": directory, "contains": contains, "toLower": to_lower, "env": env,
        "fromJSON": from_json, "structToJSON": struct_to_json, "protoToJSON": proto_to_json,
        "omitNil": omit_nil, "appendMultusNetwork": append_multus, "otelResourceAttributes": otel,
    }


def as_float64(v):
    """Istio decodes Values from JSON, so every number in them is a float64."""
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, dict):
        return {k: as_float64(x) for k, x in v.items()}
    if isinstance(v, list):
        return [as_float64(x) for x in v]
    return v


def make_data():
    import yaml
    defaults = yaml.safe_load((CHART / "values.yaml").read_text())["_internal_defaults_do_not_set"]
    values = as_float64({
        "global": defaults["global"],
        "pilot": {"cni": defaults.get("cni", {"enabled": False}), "env": defaults.get("env", {}),
                  "crlConfigMapName": ""},
        "revision": "",
        "sidecarInjectorWebhook": defaults.get("sidecarInjectorWebhook", {}),
    })
    return {
        "TypeMeta": {"Kind": "Pod", "APIVersion": "v1"},
        "DeploymentMeta": {"Name": "reviews-v1", "Namespace": "default"},
        "ObjectMeta": {
            "Name": "reviews-v1-abc", "Namespace": "default",
            "Annotations": StringMap({"kubectl.kubernetes.io/restartedAt": "2024-01-01T00:00:00Z",
                                      "prometheus.io/scrape": "true"}),
            "Labels": StringMap({"app": "reviews", "version": "v1"}),
        },
        "Spec": {
            "Containers": [{"Name": "reviews", "Image": "docker.io/istio/examples-bookinfo-reviews-v1:1.20",
                            "Ports": [{"ContainerPort": 9080, "Protocol": "TCP", "Name": "http"}]}],
            "InitContainers": [], "ServiceAccountName": "bookinfo-reviews", "HostNetwork": False,
        },
        "ProxyImage": "docker.io/istio/proxyv2:1.30.3",
        "ProxyConfig": {
            # A map cannot carry the enum's String method; this keeps .InterceptionMode.String resolvable.
            "InterceptionMode": {"String": "REDIRECT"},
            "ProxyMetadata": StringMap(), "DiscoveryAddress": "istiod.istio-system.svc:15012",
            "StatusPort": 15020, "GetTracing": {"GetTlsSettings": None},
        },
        "MeshConfig": {"TrustDomain": "cluster.local", "ProxyListenPort": 15001, "ProxyInboundListenPort": 15006},
        "Values": values, "Revision": "default", "NativeSidecars": False, "ProxyUID": 1337, "ProxyGID": 1337,
        "InboundTrafficPolicyMode": "", "CompliancePolicy": "",
    }


def bench_python(text, data, runs):
    t0 = time.perf_counter()
    tmpl = Template(text, name="inject", funcs=istio_stand_ins())
    parse_ms = (time.perf_counter() - t0) * 1000
    out = tmpl.execute(data)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        tmpl.execute(data)
        times.append((time.perf_counter() - t) * 1000)
    return {"parse_ms": parse_ms, "median_ms": statistics.median(times), "min_ms": min(times), "output": out}


def bench_go(text, data, runs):
    from tests.gotemplate import oracle_client
    binary = oracle_client.oracle_binary()
    req = oracle_client.request(text, data, name="inject", funcs=["@istio-bench"])
    proc = subprocess.run([str(binary), "-bench", str(runs)], input=json.dumps(req).encode(),
                          capture_output=True, env={})
    if proc.returncode != 0:
        raise RuntimeError("Go bench failed: " + proc.stderr.decode(errors="replace"))
    res = json.loads(proc.stdout)
    return {"median_ms": res["median_ns"] / 1e6, "min_ms": res["min_ns"] / 1e6, "output": res["output"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--template", default=os.environ.get("ISTIO_TEMPLATE", str(TEMPLATE)))
    ap.add_argument("--show", action="store_true", help="print the Python rendering")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()

    text = Path(args.template).read_text()
    data = make_data()
    py = bench_python(text, data, args.runs)
    if args.show:
        print(py["output"])
    try:
        go = bench_go(text, data, max(args.runs, 1000))
    except Exception as e:  # Go missing or the oracle failed to build: report Python alone.
        go = None
        go_error = str(e)
    result = {
        "template": args.template, "runs": args.runs, "output_bytes": len(py["output"]),
        "python_parse_ms": round(py["parse_ms"], 2), "python_median_ms": round(py["median_ms"], 3),
        "python_min_ms": round(py["min_ms"], 3),
    }
    if go is not None:
        result.update({
            "go_median_ms": round(go["median_ms"], 4), "go_min_ms": round(go["min_ms"], 4),
            "ratio": round(py["median_ms"] / go["median_ms"], 1) if go["median_ms"] else None,
            "outputs_identical": go["output"] == py["output"],
        })
    else:
        result["go_error"] = go_error
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print("Python: parse %.1f ms; execute median %.3f ms (min %.3f) over %d runs; output %d bytes"
          % (py["parse_ms"], py["median_ms"], py["min_ms"], args.runs, len(py["output"])))
    if go is None:
        print("Go: unavailable (%s)" % go_error)
        return
    print("Go:     execute median %.4f ms (min %.4f)" % (go["median_ms"], go["min_ms"]))
    print("ratio Python/Go: %.1fx; targets: <5 ms %s, <=10x Go %s; renderings identical: %s"
          % (result["ratio"], "met" if py["median_ms"] < 5 else "MISSED",
             "met" if result["ratio"] <= 10 else "MISSED", "yes" if result["outputs_identical"] else "NO"))


if __name__ == "__main__":
    main()
