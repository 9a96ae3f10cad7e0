"""A real-world corpus for `-o pod` / `-o kube-inject` against the real `istioctl kube-inject`: public manifests
nobody on the team wrote, read in place from the Go module cache (never copied), plus tests/data/realworld/,
small files written for the stream's edge cases (a trailing `---`, a leading one, a licence header, CRLF,
a kube-system DaemonSet).

- Istio's own samples (istio.io/istio at the master snapshot the istioctl oracle is built from): bookinfo,
  httpbin, sleep, curl, helloworld, ... and `samples/addons/*`, which are Helm charts rendered to YAML
  (Prometheus, Grafana, Kiali, Loki: licence headers, `---` first, comments).
- Kubernetes' e2e manifests (k8s.io/kubernetes, the module the kube-apiserver build uses): the guestbook's
  ReplicationControllers, a kube-system device-plugin DaemonSet, the CSI mock StatefulSets and RBAC.

`RECORDED` holds istioctl's answer for each (digest of stdout, exit code), so the CLI is checked against it
where no istioctl can be built; `--update-oracle-goldens` rewrites it from the real program.
"""
import hashlib
import json
from pathlib import Path

from tests import paths

MASTER = paths.MASTER
HERE = Path(__file__).resolve().parent.parent
EDGES = HERE / "data" / "realworld"
RECORDED = EDGES / "recorded-istioctl-master.json"

ISTIO_SAMPLES = (
    "bookinfo/platform/kube/bookinfo.yaml", "bookinfo/platform/kube/bookinfo-psa.yaml",
    "bookinfo/platform/kube/bookinfo-db.yaml", "bookinfo/platform/kube/bookinfo-ratings-v2.yaml",
    "httpbin/httpbin.yaml", "httpbin/httpbin-nodeport.yaml", "sleep/sleep.yaml", "curl/curl.yaml",
    "helloworld/helloworld.yaml", "tcp-echo/tcp-echo.yaml", "websockets/app.yaml", "extauthz/ext-authz.yaml",
    "ratelimit/rate-limit-service.yaml", "jwt-server/jwt-server.yaml", "grpc-echo/grpc-echo.yaml",
    "addons/prometheus.yaml", "addons/grafana.yaml", "addons/kiali.yaml", "addons/loki.yaml", "addons/jaeger.yaml",
)
KUBERNETES_MANIFESTS = (
    "guestbook/legacy/frontend-controller.yaml", "guestbook/legacy/redis-master-controller.yaml",
    "guestbook/frontend-service.yaml", "serviceloadbalancer/haproxyrc.yaml", "kubectl/agnhost-primary-pod.yaml",
    "sample-device-plugin/sample-device-plugin.yaml", "storage-csi/mock/csi-mock-driver.yaml",
    "storage-csi/mock/csi-mock-rbac.yaml",
)


def corpus():
    """[(name, Path or None, why missing)]: every file of the corpus, in a stable order."""
    out = [("edge/" + p.name, p, None) for p in sorted(EDGES.glob("*.yaml"))]
    for prefix, root, names in (("istio/", lambda: paths.master_module() / "samples", ISTIO_SAMPLES),
                                ("kubernetes/", lambda: paths.kubernetes_module() / "test" / "e2e" / "testing-manifests",
                                 KUBERNETES_MANIFESTS)):
        try:
            base, why = root(), None
        except paths.Missing as e:
            base, why = None, str(e)
        for n in names:
            path = base / n if base is not None else None
            if path is not None and not path.exists():
                path, why = None, "%s is not in %s" % (n, base)
            out.append((prefix + n, path, why))
    return out


def digest(text):
    return hashlib.sha256(text.encode()).hexdigest()


def recorded():
    return json.loads(RECORDED.read_text()) if RECORDED.exists() else {}


def namespaces(texts):
    """Every namespace the files name (and default), for a state that labels them all for injection."""
    import yaml

    names = {"default"}
    for text in texts:
        try:
            docs = list(yaml.safe_load_all(text))
        except yaml.YAMLError:
            continue
        items = [i for doc in docs if isinstance(doc, dict) and isinstance(doc.get("items"), list)
                 for i in doc["items"]]
        for d in docs + items:          # List items too
            if isinstance(d, dict):
                ns = (d.get("metadata") or {}).get("namespace")
                if isinstance(ns, str) and ns:
                    names.add(ns)
    return sorted(names)
