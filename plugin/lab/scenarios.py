"""The lab's six scenarios (the seed lab's, `../shared/seeds/`), as data: what each step says, the commands it
runs (`kubectl …` on the cluster, `kubectl inject …` in-process) and what the lab checks afterwards.

A scenario: `id`, `number`, `title`, `teaches` (one line for --list), `labels` (the namespace's labels when
the lab creates it) and `steps`. A step: `title`, `say` (before its actions) and `do`, a list of actions, each a
dict with one of these keys (runner.py carries them out):

- `write`: a manifest of manifests.py, written to the lab's directory and shown;
- `kubectl`: arguments of kubectl, run on a live cluster; offline printed as "not run"; `offline` (optional) is
  what the learner would have seen;
- `pods`: a label selector; live: `kubectl get pods -l …` once its pods settled, then the check `ready`;
- `inject`: arguments of `kubectl inject` (live); `offline`: the what-if arguments used offline (None: the step
  needs a cluster and is only described offline); `expect`: checked on the command's `-o json`;
- `fetch` (`config` or `values`, live only), `edit` (a CONFIG_EDITS name, live: of the fetched config; offline:
  a --cluster-state file of the embedded injector), `upgrade_values`, `revision_only`: the what-if files of
  edits.py, written to `to`;
- `needs_crd`: skip the rest of the step when the cluster does not serve that CRD (live);
- `upgrade`: scenario 6's turn — the instructor may upgrade the control plane; what follows depends on
  whether `status` then finds stale proxies;
- `note` / `note_offline`: a line of narration (live / offline); `try`: a command the learner can run
  themselves, printed and never run by the lab.

Placeholders: `{ns}` (the lab's namespace, inject-lab-ID), `{dir}` (the lab's directory of manifests).
Expectations name verdicts and rule ids only where they are the point of the step.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List

NAMESPACE_PREFIX = "inject-lab-"
#: What-ifs against files (offline, and the revision-only install live too) explain in the lab's namespace as
#: the lab creates it, from a --cluster-state file of the embedded Namespaces and that one (later labels come
#: from --ns-label), so what explain says, and the labels its hints suggest, name the lab's namespace.
WHAT_IF_NS = ["-n", "{ns}", "--cluster-state", "{dir}/namespaces.yaml"]
OFFLINE_NS = WHAT_IF_NS + ["--offline"]
LABELLED = ["--ns-label", "istio-injection=enabled"]
ROLLOUT_TIMEOUT = "--timeout=180s"


def _deploy(manifest: str, app: str, ready: str, offline: str) -> List[Dict[str, Any]]:
    return [{"write": manifest},
            {"kubectl": ["apply", "-f", "{dir}/%s.yaml" % manifest, "-n", "{ns}"]},
            {"kubectl": ["rollout", "status", f"deployment/{app}", "-n", "{ns}", ROLLOUT_TIMEOUT]},
            {"pods": f"app={app}", "ready": ready, "offline": offline}]


def _restart(app: str, ready: str) -> List[Dict[str, Any]]:
    return [{"kubectl": ["rollout", "restart", f"deployment/{app}", "-n", "{ns}"]},
            {"kubectl": ["rollout", "status", f"deployment/{app}", "-n", "{ns}", ROLLOUT_TIMEOUT]},
            {"pods": f"app={app}", "ready": ready, "offline": f"READY {ready}"}]


def _injector_what_if(manifest: str, edit: str, verdict: str, rule: str) -> Dict[str, Any]:
    """explain of a manifest against an edited copy of the injector: live, the cluster's own configuration
    (--inject-config inject-config-EDIT.yaml); offline, the embedded injector (--cluster-state injector-EDIT.yaml)."""
    return {"inject": ["explain", "-f", "{dir}/%s.yaml" % manifest, "-n", "{ns}", "--inject-config",
                       "{dir}/inject-config-%s.yaml" % edit],
            "offline": ["explain", "-f", "{dir}/%s.yaml" % manifest] + WHAT_IF_NS + [
                "--cluster-state", "{dir}/injector-%s.yaml" % edit] + LABELLED,
            "what_if": True, "expect": {"verdict": verdict, "rule": rule}}


SCENARIOS: List[Dict[str, Any]] = [
    {"id": "unlabelled", "number": 1, "title": "httpbin in a namespace nobody labelled",
     "teaches": "READY 1/1, and why: no injector webhook selects the namespace (no-matching-webhook)",
     "labels": {},
     "steps": [
         {"title": "Deploy httpbin",
          "say": "The namespace has no injection label. Deploy Istio's httpbin sample into it.",
          "do": _deploy("httpbin", "httpbin", "1/1", "READY 1/1: one container, no istio-proxy")},
         {"title": "Why is there no sidecar?",
          "say": "Ask the plugin: it replays kube-apiserver's webhook selection for a pod of this Deployment.",
          "do": [{"inject": ["explain", "deployment/httpbin", "-n", "{ns}"],
                  "offline": ["explain", "-f", "{dir}/httpbin.yaml"] + OFFLINE_NS,
                  "expect": {"verdict": "not-injected", "rule": "no-matching-webhook"}},
                 {"note": "Every injector webhook was skipped by its namespaceSelector or objectSelector: the "
                          "namespace lacks istio-injection=enabled, so Istio was never asked."}]},
     ]},
    {"id": "label-restart", "number": 2, "title": "label the namespace, then restart",
     "teaches": "a label changes nothing for running pods (needs-restart) until kubectl rollout restart: READY 2/2",
     "labels": {},
     "steps": [
         {"title": "Deploy httpbin", "say": "httpbin in an unlabelled namespace, as in scenario 1.",
          "do": _deploy("httpbin", "httpbin", "1/1", "READY 1/1")},
         {"title": "Label the namespace",
          "say": "Injection happens only when a pod is created: labelling the namespace is passive.",
          "do": [{"kubectl": ["label", "namespace", "{ns}", "istio-injection=enabled"]},
                 {"pods": "app=httpbin", "ready": "1/1", "offline": "still READY 1/1: the pod was created before the label"},
                 {"inject": ["status", "-n", "{ns}"],
                  "offline": ["explain", "-f", "{dir}/httpbin.yaml"] + OFFLINE_NS + LABELLED,
                  "expect": {"findings": {"httpbin": ["needs-restart"]}},
                  "expect_offline": {"verdict": "injected", "rule": "policy-enabled"}},
                 {"note_offline": "A pod created now would be injected; on a cluster `kubectl inject status` reports "
                                  "the running one as needs-restart."}]},
         {"title": "Restart the Deployment",
          "say": "New pods go through admission again, and this time the injector is called.",
          "do": _restart("httpbin", "2/2") + [
              {"inject": ["status", "-n", "{ns}"], "offline": None, "expect": {"findings": {"httpbin": []}}}]},
     ]},
    {"id": "mistakes", "number": 3, "title": "the classic mistakes",
     "teaches": "istio-injection=true; sidecar.istio.io/inject on the Deployment's metadata; "
                "istio-injection=enabled with a revision-only install (what-if)",
     "labels": {"istio-injection": "true"},
     "steps": [
         {"title": "istio-injection=true",
          "say": "This namespace was created with istio-injection=true. Deploy httpbin.",
          "do": [{"kubectl": ["get", "namespace", "{ns}", "--show-labels"]}]
          + _deploy("httpbin", "httpbin", "1/1", "READY 1/1: no sidecar")
          + [{"inject": ["explain", "deployment/httpbin", "-n", "{ns}"],
              "offline": ["explain", "-f", "{dir}/httpbin.yaml"] + OFFLINE_NS,
              "expect": {"verdict": "not-injected", "rule": "no-matching-webhook"}},
             {"note": "The webhook selects istio-injection In (enabled): the value is compared as text, "
                      "and \"true\" is not \"enabled\"."}]},
         {"title": "Fix the label value",
          "say": "Overwrite the label with the value the webhook selects, and restart.",
          "do": [{"kubectl": ["label", "namespace", "{ns}", "istio-injection=enabled", "--overwrite"]}]
          + _restart("httpbin", "2/2")},
         {"title": "The annotation on the Deployment",
          "say": "sleep wants no sidecar, but its sidecar.istio.io/inject: \"false\" is on the Deployment's own "
                 "metadata, which no pod carries.",
          "do": _deploy("sleep-annotation-on-deployment", "sleep", "2/2", "READY 2/2: injected anyway")
          + [{"inject": ["explain", "deployment/sleep", "-n", "{ns}"],
              "offline": ["explain", "-f", "{dir}/sleep-annotation-on-deployment.yaml"] + OFFLINE_NS + LABELLED,
              "expect": {"verdict": "injected", "warning": "inject-on-workload-metadata"}}]},
         {"title": "A revision-only install (a what-if, on a live cluster too)",
          "say": "With Istio installed only as revision canary (no default revision, no `default` tag), "
                 "istio-injection=enabled selects nothing. The lab does not install a second control plane: "
                 "this step is explain's what-if against the embedded cluster with canary's webhooks and injector.",
          "do": [{"revision_only": "canary", "to": "revision-only.yaml"},
                 {"inject": ["explain", "-f", "{dir}/httpbin.yaml"] + WHAT_IF_NS + [
                     "--cluster-state", "{dir}/revision-only.yaml"] + LABELLED, "what_if": True,
                  "expect": {"verdict": "not-injected", "warning": "injection-label-unserved"}},
                 {"inject": ["explain", "-f", "{dir}/httpbin.yaml"] + WHAT_IF_NS + [
                     "--cluster-state", "{dir}/revision-only.yaml", "--ns-label", "istio-injection-",
                     "--ns-label", "istio.io/rev=canary"], "what_if": True,
                  "expect": {"verdict": "injected"}},
                 {"note": "A revision is chosen with istio.io/rev=REVISION (or a revision tag); istio-injection=enabled "
                          "means the default revision."}]},
     ]},
    {"id": "exceptions", "number": 4, "title": "exceptions: opt-in, opt-out, neverInjectSelector, policy disabled",
     "teaches": "pod-level opt-in and opt-out; build pods and neverInjectSelector; policy disabled + opt-in "
                "(injector changes as what-ifs: the lab never edits your injector)",
     "labels": {},
     "steps": [
         {"title": "Pod-level opt-in",
          "say": "The namespace is unlabelled, but httpbin's pod template carries the label "
                 "sidecar.istio.io/inject: \"true\".",
          "do": _deploy("httpbin-opt-in", "httpbin", "2/2", "READY 2/2")
          + [{"inject": ["explain", "deployment/httpbin", "-n", "{ns}"],
              "offline": ["explain", "-f", "{dir}/httpbin-opt-in.yaml"] + OFFLINE_NS,
              "expect": {"verdict": "injected", "rule": "inject-label"}}]},
         {"title": "Pod-level opt-out",
          "say": "Now label the namespace, and deploy sleep with the pod template label sidecar.istio.io/inject: \"false\".",
          "do": [{"kubectl": ["label", "namespace", "{ns}", "istio-injection=enabled"]}]
          + _deploy("sleep-opt-out", "sleep", "1/1", "READY 1/1")
          + [{"inject": ["explain", "deployment/sleep", "-n", "{ns}"],
              "offline": ["explain", "-f", "{dir}/sleep-opt-out.yaml"] + OFFLINE_NS + LABELLED,
              "expect": {"verdict": "not-injected"}}]},
         {"title": "Build pods: neverInjectSelector",
          "say": "OpenShift's source-to-image starts build pods nobody can annotate. In a labelled namespace they "
                 "get a sidecar, and a build with a sidecar never finishes cleanly.",
          "do": [{"write": "build-pod"},
                 {"kubectl": ["apply", "-f", "{dir}/build-pod.yaml", "-n", "{ns}"]},
                 {"kubectl": ["wait", "--for=condition=Ready", "pod/app-1-build", "-n", "{ns}", ROLLOUT_TIMEOUT]},
                 {"pods": "openshift.io/build.name=app-1", "ready": "2/2", "offline": "READY 2/2: the build pod got a sidecar"},
                 {"note": "The lab never edits your injector: it copies its configuration and edits the copy."},
                 {"fetch": "config", "to": "inject-config.yaml"},
                 {"edit": "never-inject-builds", "from": "inject-config.yaml", "to": "inject-config-never-inject.yaml",
                  "offline_to": "injector-never-inject.yaml"},
                 _injector_what_if("build-pod", "never-inject", "not-injected", "never-inject-selector")]},
         {"title": "Policy disabled, and opting in",
          "say": "The conservative setup: policy: disabled, and only pods annotated sidecar.istio.io/inject: \"true\" "
                 "are injected (the namespace still needs its label: the webhook must be called).",
          "do": [{"write": "httpbin"},
                 {"edit": "policy-disabled", "from": "inject-config.yaml", "to": "inject-config-policy-disabled.yaml",
                  "offline_to": "injector-policy-disabled.yaml"},
                 _injector_what_if("httpbin", "policy-disabled", "not-injected", "policy-disabled"),
                 {"write": "httpbin-annotated"},
                 _injector_what_if("httpbin-annotated", "policy-disabled", "injected", "inject-annotation"),
                 {"note": "The order Istio decides in: the pod's label or annotation, neverInjectSelector, "
                          "alwaysInjectSelector, then the policy."}]},
     ]},
    {"id": "strict-mtls", "number": 5, "title": "a sidecar-less client under STRICT mTLS",
     "teaches": "what a missing sidecar breaks: plain-text requests refused (no-sidecar-strict-mtls)",
     "labels": {"istio-injection": "enabled"},
     "steps": [
         {"title": "A server with a sidecar, a client without",
          "say": "httpbin is injected; sleep opts out with its pod label.",
          "do": _deploy("httpbin", "httpbin", "2/2", "READY 2/2")
          + _deploy("sleep-opt-out", "sleep", "1/1", "READY 1/1")},
         {"title": "STRICT mutual TLS",
          "say": "Require mutual TLS for every workload of this namespace (a PeerAuthentication in the lab's "
                 "namespace only).",
          "do": [{"needs_crd": "peerauthentications.security.istio.io"},
                 {"write": "strict-mtls"},
                 {"kubectl": ["apply", "-f", "{dir}/strict-mtls.yaml"]},
                 {"inject": ["status", "-n", "{ns}"],
                  "offline": ["explain", "-f", "{dir}/sleep-opt-out.yaml"] + OFFLINE_NS + LABELLED,
                  "expect": {"findings": {"sleep": ["no-sidecar-strict-mtls"], "httpbin": []}},
                  "expect_offline": {"verdict": "not-injected"}},
                 {"note_offline": "sleep gets no sidecar; on a cluster `kubectl inject status` reports it as "
                                  "no-sidecar-strict-mtls once the STRICT PeerAuthentication applies."},
                 {"try": ["exec", "deploy/sleep", "-n", "{ns}", "--", "curl", "-sS", "httpbin:8000/get"],
                  "note": "on a cluster whose pods really run: \"Connection reset by peer\" — sleep has no proxy "
                          "to upgrade the request to mutual TLS."}]},
     ]},
    {"id": "upgrade", "number": 6, "title": "upgrades: stale proxies",
     "teaches": "after an in-place upgrade running sidecars keep the old proxy (stale-proxy) until restarted",
     "labels": {"istio-injection": "enabled"},
     "steps": [
         {"title": "An injected httpbin", "say": "httpbin in a labelled namespace: injected by the current injector.",
          "do": _deploy("httpbin", "httpbin", "2/2", "READY 2/2")
          + [{"inject": ["status", "-n", "{ns}", "-o", "wide"],
              "offline": ["explain", "-f", "{dir}/httpbin.yaml"] + OFFLINE_NS + LABELLED,
              "expect": {"findings": {"httpbin": []}}, "expect_offline": {"verdict": "injected"}}]},
         {"title": "An in-place upgrade",
          "say": "The lab never changes your control plane. On a workshop cluster the instructor may upgrade "
                 "Istio in place now (e.g. `istioctl upgrade`); otherwise the lab shows the upgrade as a what-if.",
          "do": [{"upgrade": True}]},
     ]},
]

#: scenario 6's two continuations (runner.py picks one after the `upgrade` action)
UPGRADED = [  # the control plane was upgraded: status finds the stale proxies, a restart replaces them
    {"inject": ["status", "-n", "{ns}", "-o", "wide"], "expect": {"findings": {"httpbin": ["stale-proxy"]}}},
] + _restart("httpbin", "2/2") + [
    {"inject": ["status", "-n", "{ns}", "-o", "wide"], "expect": {"findings": {"httpbin": []}}},
]
NOT_UPGRADED = [  # nobody upgraded: the injector's values with the next release's tag, as a what-if
    {"fetch": "values", "to": "injector-values.json"},
    {"upgrade_values": "injector-values.json", "to": "injector-values-upgraded.json"},
    {"inject": ["explain", "deployment/httpbin", "-n", "{ns}", "--values", "{dir}/injector-values-upgraded.json"],
     "offline": ["explain", "-f", "{dir}/httpbin.yaml"] + OFFLINE_NS + LABELLED
     + ["--values", "{dir}/injector-values-upgraded.json"], "what_if": True,
     "expect": {"verdict": "injected", "live_findings": ["stale-proxy"], "proxy_upgraded": True},
     "expect_offline": {"verdict": "injected", "proxy_upgraded": True}},
    {"note": "After a real upgrade the fix is a restart, which injects the new proxy (the lab does not run it: "
             "no injector was upgraded here, so a restart would inject the same version again):"},
    {"try": ["rollout", "restart", "deployment/httpbin", "-n", "{ns}"]},
    {"note_offline": "Pods started before the upgrade keep the old proxy image: on a cluster `kubectl inject status` "
                     "reports them as stale-proxy until they are restarted."},
]


def find(word: str) -> Dict[str, Any]:
    """The scenario named by its number or id (KeyError otherwise)."""
    for s in SCENARIOS:
        if word in (str(s["number"]), s["id"]):
            return s
    raise KeyError(word)
