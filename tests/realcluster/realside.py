"""Drive the real kube-apiserver through one scenario and report which webhooks it called.

Two kinds of staleness would make the real side lie, and both are designed away here:
- The webhook plugin reads MutatingWebhookConfigurations from an informer.  After every change of the
  installed set, a probe configuration with a fresh generation number is created last; once a probe pod
  reaches the probe webhook, the informer has delivered every earlier change too (watch events arrive in
  order), so the new set is the one in force.
- Namespace labels also come from an informer, but a namespace the informer has never seen is fetched
  live.  Namespaces are therefore never relabelled: a scenario that needs an existing name with other labels
  gets a fresh name instead (`resolve_namespaces`), and the simulator is given the same renamed world.
"""

import copy
import json
import time

MWC_PATH = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations"
NAME_LABEL = "kubernetes.io/metadata.name"
PROBE_CONFIG = "0-kubectl-inject-probe"   # sorts before any scenario configuration, so it is called first
PROBE_WEBHOOK = "probe.kubectl-inject.test"
PROBE_LABEL = "probe.kubectl-inject.test/generation"
PROBE_NAMESPACE = "kubectl-inject-probe"


class HarnessError(Exception):
    """The real side could not set up a scenario (not a parity result)."""


class Outcome:
    """What the real apiserver did with one pod CREATE."""

    def __init__(self, called, rejected, status, message):
        self.called = called            # list of (configuration, webhook) in call order
        self.rejected = rejected
        self.status = status
        self.message = message

    def __repr__(self):
        return "Outcome(called=%r, rejected=%r, status=%r)" % (self.called, self.rejected, self.status)


def _check(status, body, what):
    if status >= 300:
        raise HarnessError("%s failed with HTTP %s: %s" % (what, status, body.get("message", body)
                                                           if isinstance(body, dict) else body))
    return body


class RealSide:
    def __init__(self, cluster, recorder):
        self.cluster = cluster
        self.recorder = recorder
        self.generation = 0
        self.installed_key = None
        self.namespaces = {}        # name -> labels (without the automatic name label)
        self._with_service_account = set()
        status, body = cluster.request("GET", "/api/v1/namespaces")
        for ns in _check(status, body, "listing namespaces")["items"]:
            self.namespaces[ns["metadata"]["name"]] = _user_labels(ns)
        self._ensure_namespace(PROBE_NAMESPACE, {})
        self._ensure_service_account(PROBE_NAMESPACE)

    # -- namespaces --------------------------------------------------------------------------------

    def resolve_namespaces(self, wanted):
        """Map each wanted namespace name to a live one carrying exactly the wanted labels.

        The same name is kept when it is new to this apiserver, or already has those labels; otherwise
        a fresh name `<name>-<n>` is created, so no namespace ever changes labels after creation.
        """
        mapping = {}
        for name, labels in wanted.items():
            labels = {k: v for k, v in (labels or {}).items() if k != NAME_LABEL}
            candidate, n = name, 0
            while candidate in self.namespaces and self.namespaces[candidate] != labels:
                n += 1
                candidate = ("%s-%d" % (name[:55], n))
            self._ensure_namespace(candidate, labels)
            self._ensure_service_account(candidate)
            mapping[name] = candidate
        return mapping

    def _ensure_namespace(self, name, labels):
        if name in self.namespaces:
            return
        body = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": dict(labels)}}
        status, resp = self.cluster.request("POST", "/api/v1/namespaces", body)
        _check(status, resp, "creating namespace %s" % name)
        self.namespaces[name] = dict(labels)

    def _ensure_service_account(self, name):
        if name in self._with_service_account:
            return
        # Without kube-controller-manager nobody creates the default ServiceAccount, and the ServiceAccount
        # admission plugin (kept on, since it mutates pods before the webhooks) would refuse the pod.
        sa = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": name}}
        status, resp = self.cluster.request("POST", "/api/v1/namespaces/%s/serviceaccounts" % name, sa)
        if status != 409:
            _check(status, resp, "creating the default ServiceAccount in %s" % name)
        self._with_service_account.add(name)

    # -- webhook configurations --------------------------------------------------------------------

    def install(self, mwcs, timeout=60):
        """Make exactly `mwcs` (clientConfig pointed at the recorder) the configurations in force."""
        key = json.dumps(mwcs, sort_keys=True)
        if key == self.installed_key:
            return
        self.installed_key = None
        status, body = self.cluster.request("DELETE", MWC_PATH)
        _check(status, body, "deleting webhook configurations")
        for mwc in mwcs:
            status, body = self.cluster.request("POST", MWC_PATH, self._pointed_at_recorder(mwc))
            _check(status, body, "creating MutatingWebhookConfiguration %s" % mwc["metadata"]["name"])
        self.generation += 1
        status, body = self.cluster.request("POST", MWC_PATH, self._probe_config(self.generation))
        _check(status, body, "creating the probe configuration")
        self._wait_for_generation(self.generation, timeout)
        self.installed_key = key

    def _pointed_at_recorder(self, mwc):
        import base64

        out = copy.deepcopy(mwc)
        for key in ("resourceVersion", "uid", "creationTimestamp", "generation", "managedFields"):
            out.get("metadata", {}).pop(key, None)
        out.pop("status", None)
        ca = base64.b64encode(self.recorder.ca_bundle_pem).decode()
        for wh in out.get("webhooks") or []:
            wh["clientConfig"] = {"url": self.recorder.url(out["metadata"]["name"], wh["name"]), "caBundle": ca}
        return out

    def _probe_config(self, generation):
        import base64

        return {
            "apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
            "metadata": {"name": PROBE_CONFIG},
            "webhooks": [{
                "name": PROBE_WEBHOOK,
                "clientConfig": {"url": self.recorder.url(PROBE_CONFIG, PROBE_WEBHOOK),
                                 "caBundle": base64.b64encode(self.recorder.ca_bundle_pem).decode()},
                "rules": [{"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"],
                           "resources": ["pods"]}],
                "namespaceSelector": {"matchLabels": {NAME_LABEL: PROBE_NAMESPACE}},
                "objectSelector": {"matchLabels": {PROBE_LABEL: str(generation)}},
                "sideEffects": "None", "admissionReviewVersions": ["v1"], "failurePolicy": "Ignore",
            }],
        }

    def _wait_for_generation(self, generation, timeout):
        deadline = time.monotonic() + timeout
        attempt = 0
        last = None
        while True:
            attempt += 1
            name = "probe-%d-%d" % (generation, attempt)
            self.recorder.clear()
            pod = {"apiVersion": "v1", "kind": "Pod",
                   "metadata": {"name": name, "namespace": PROBE_NAMESPACE,
                                "labels": {PROBE_LABEL: str(generation)}},
                   "spec": {"containers": [{"name": "c", "image": "registry.invalid/probe"}]}}
            status, body = self.cluster.request("POST", "/api/v1/namespaces/%s/pods" % PROBE_NAMESPACE, pod,
                                                {"dryRun": "All"})
            if any(c.configuration == PROBE_CONFIG and c.labels.get(PROBE_LABEL) == str(generation)
                   for c in self.recorder.calls(PROBE_NAMESPACE, name)):
                return
            last = (status, body.get("message") if isinstance(body, dict) else body)
            if time.monotonic() > deadline:
                raise HarnessError("webhook configuration generation %d not in force after %d s (last probe: %r)"
                                   % (generation, timeout, last))
            time.sleep(0.05)

    # -- the request under test --------------------------------------------------------------------

    def create_pod(self, namespace, pod):
        """Server-side dry-run CREATE; webhooks with sideEffects None are called exactly as for a real one."""
        body = copy.deepcopy(pod)
        body.setdefault("metadata", {})["namespace"] = namespace
        self.recorder.clear()
        status, resp = self.cluster.request("POST", "/api/v1/namespaces/%s/pods" % namespace, body, {"dryRun": "All"})
        # Only this request's calls: a webhook matching every resource (`*/*`, operations `*`) is also called for
        # the apiserver's own writes (lease renewals, endpoint reconciling) at any moment, and `first seen`
        # ordering would then put it wherever one of those landed.
        name = (body.get("metadata") or {}).get("name")
        called = [(c.configuration, c.webhook) for c in self.recorder.calls(namespace, name)
                  if c.configuration != PROBE_CONFIG and c.operation == "CREATE" and c.resource == "pods"]
        message = resp.get("message") if isinstance(resp, dict) else resp
        if status == 422:
            raise HarnessError("the scenario pod is invalid (a test-data bug, not a parity result): %s" % message)
        return Outcome(called, status >= 300, status, None if status < 300 else message)


def _user_labels(ns):
    labels = (ns.get("metadata") or {}).get("labels") or {}
    return {k: v for k, v in labels.items() if k != NAME_LABEL}
