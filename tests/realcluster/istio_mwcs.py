"""Istio's injector MutatingWebhookConfigurations, shaped as the 1.30 istio-discovery chart renders them.

Written from the chart's semantics (shared/istio/1.30.3/chart/templates/mutatingwebhook.yaml and the
revision-tag variant described in shared/docs/istio-injection-facts.md §2), not rendered by Helm: the parity
test needs the exact selectors, and only the selectors, rules and policies decide which webhook is called.
"""


def _expr(key, operator, values=None):
    e = {"key": key, "operator": operator}
    if values is not None:
        e["values"] = list(values)
    return e


def _webhook(prefix, service, namespace_selector, object_selector, reinvocation="Never"):
    return {
        "name": prefix + "sidecar-injector.istio.io",
        "clientConfig": {"service": {"name": service, "namespace": "istio-system", "path": "/inject", "port": 443}},
        "sideEffects": "None",
        "rules": [{"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"]}],
        "failurePolicy": "Fail",
        "reinvocationPolicy": reinvocation,
        "admissionReviewVersions": ["v1"],
        "namespaceSelector": {"matchExpressions": namespace_selector},
        "objectSelector": {"matchExpressions": object_selector},
    }


def _webhooks(value, service, default_set, enable_namespaces_by_default):
    not_disabled = _expr("sidecar.istio.io/inject", "NotIn", ["false"])
    hooks = [
        _webhook("rev.namespace.", service,
                 [_expr("istio.io/rev", "In", [value]), _expr("istio-injection", "DoesNotExist")],
                 [not_disabled]),
        _webhook("rev.object.", service,
                 [_expr("istio.io/rev", "DoesNotExist"), _expr("istio-injection", "DoesNotExist")],
                 [not_disabled, _expr("istio.io/rev", "In", [value])]),
    ]
    if default_set:
        hooks += [
            _webhook("namespace.", service, [_expr("istio-injection", "In", ["enabled"])], [not_disabled]),
            _webhook("object.", service,
                     [_expr("istio-injection", "DoesNotExist"), _expr("istio.io/rev", "DoesNotExist")],
                     [_expr("sidecar.istio.io/inject", "In", ["true"]), _expr("istio.io/rev", "DoesNotExist")]),
        ]
        if enable_namespaces_by_default:
            hooks.append(_webhook(
                "auto.", service,
                [_expr("istio-injection", "DoesNotExist"), _expr("istio.io/rev", "DoesNotExist"),
                 _expr("kubernetes.io/metadata.name", "NotIn",
                       ["kube-system", "kube-public", "kube-node-lease", "local-path-storage"])],
                [_expr("sidecar.istio.io/inject", "DoesNotExist"), _expr("istio.io/rev", "DoesNotExist")]))
    return hooks


def revision_mwc(revision="", enable_namespaces_by_default=False):
    """The per-revision MWC: four webhooks for the default revision (five with auto), two for a named one."""
    name = "istio-sidecar-injector" + ("-" + revision if revision else "")
    value = revision or "default"
    service = "istiod" + ("-" + revision if revision else "")
    return {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "MutatingWebhookConfiguration",
        "metadata": {"name": name, "labels": {"istio.io/rev": value, "app": "sidecar-injector"}},
        "webhooks": _webhooks(value, service, revision == "", enable_namespaces_by_default),
    }


def tag_mwc(tag, revision=""):
    """A revision tag: W1/W2 select the tag's value; the tag named `default` also carries W3/W4."""
    service = "istiod" + ("-" + revision if revision else "")
    return {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "MutatingWebhookConfiguration",
        "metadata": {"name": "istio-revision-tag-" + tag,
                     "labels": {"istio.io/tag": tag, "istio.io/rev": revision or "default"}},
        "webhooks": _webhooks(tag, service, tag == "default", False),
    }
