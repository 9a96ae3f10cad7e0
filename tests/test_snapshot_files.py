"""Snapshot files read back with --cluster-state: the kinds a snapshot covers come from it even when it found
none (no embedded-default webhooks sneak in), and kinds it could not read stay unknown. Redaction rules."""
import json
import os

from plugin.state.snapshot import REDACTED, redact

from .conftest import run_cli

HTTPBIN = os.path.join(os.path.dirname(__file__), "data", "httpbin.yaml")


def _snapshot(tmp_path, kinds, unknown=None, items=()):
    annotations = {"kubectl-inject.io/kinds": ",".join(kinds)}
    if unknown:
        annotations["kubectl-inject.io/unknown"] = unknown
    doc = {"apiVersion": "v1", "kind": "List", "metadata": {"annotations": annotations, "resourceVersion": ""},
           "items": list(items)}
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(doc))
    return str(path)


MESH = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "mesh", "labels": {"istio-injection": "enabled"}}}


def test_a_covered_kind_without_objects_is_empty_not_the_default(tmp_path):
    path = _snapshot(tmp_path, ["Namespace", "MutatingWebhookConfiguration", "ConfigMap"], items=[MESH])
    run = run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "-o", "json", "--cluster-state", path)
    item, = json.loads(run.stdout)["items"]
    assert item["verdict"] == "not-injected" and item["decidedBy"]["rule"] == "no-matching-webhook"
    assert item["clusterState"]["MutatingWebhookConfiguration"] == path
    # the same objects as a plain List (not a snapshot): the default's webhooks fill the missing kind
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": [MESH]}))
    item, = json.loads(run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "-o", "json", "--cluster-state",
                               str(plain)).stdout)["items"]
    assert item["verdict"] == "injected" and item["clusterState"]["MutatingWebhookConfiguration"] == "embedded default"


def test_a_kind_the_snapshot_could_not_read_is_unknown(tmp_path):
    path = _snapshot(tmp_path, ["Namespace", "MutatingWebhookConfiguration"],
                     unknown="ConfigMap=list configmaps in namespace istio-system", items=[MESH])
    item, = json.loads(run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "-o", "json", "--cluster-state",
                               path).stdout)["items"]
    assert item["clusterState"]["ConfigMap"] == \
        f"unknown: forbidden to list configmaps in namespace istio-system (snapshot {path})"


def test_redaction():
    pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"
    obj = {"webhooks": [{"clientConfig": {"caBundle": "LS0t", "url": "https://x"}}],
           "metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}", "keep": "me"}},
           "data": {"mesh": f"a: 1\nca: |\n  {pem}\n", "plain": "text"}}
    out = redact(obj)
    assert out["webhooks"][0]["clientConfig"] == {"caBundle": REDACTED, "url": "https://x"}
    assert out["metadata"]["annotations"] == {"kubectl.kubernetes.io/last-applied-configuration": REDACTED, "keep": "me"}
    assert "MIIB" not in out["data"]["mesh"] and out["data"]["mesh"].startswith("a: 1\n") and out["data"]["plain"] == "text"
    assert obj["webhooks"][0]["clientConfig"]["caBundle"] == "LS0t"          # the input is not changed


def test_webhook_ca_bundles_are_read_as_bytes(tmp_path):
    """caBundle is []byte: encoding/json reads it from base64, as every `kubectl get mwc -o yaml` holds it (and a
    snapshot's REDACTED is base64 too)."""
    import copy

    from plugin.state.sources import load_default

    mwc = copy.deepcopy(next(d.obj for d in load_default() if d.obj["kind"] == "MutatingWebhookConfiguration"))
    for value in ("LS0tLS1CRUdJTg==", "REDACTED"):
        for hook in mwc["webhooks"]:
            hook["clientConfig"]["caBundle"] = value
        path = tmp_path / "mwc.json"
        path.write_text(json.dumps(mwc))
        run = run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "-o", "json", "--cluster-state", str(path))
        assert run.status == 0, run.stderr
        assert json.loads(run.stdout)["items"][0]["verdict"] == "injected"
