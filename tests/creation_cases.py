"""Objects kube-apiserver refuses at creation, with the field it names: one table for the offline test
(tests/test_creation_refusals.py) and the real apiserver's (tests/realcluster/test_creation_refusals.py)."""

POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
       "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
DEPLOYMENT = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
              "spec": {"selector": {"matchLabels": {"app": "web"}},
                       "template": {"metadata": {"labels": {"app": "web"}},
                                    "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}


def _with(base, path, value):
    import copy

    obj = copy.deepcopy(base)
    node = obj
    for key in path[:-1]:
        node = node.setdefault(key, {})
    if value is _DELETE:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value
    return obj


_DELETE = object()

#: (id, object, the field named, a piece of the message)
REFUSED = [
    ("pod-name-uppercase", _with(POD, ("metadata", "name"), "Bad_Name"), "metadata.name", "RFC 1123 subdomain"),
    ("pod-name-too-long", _with(POD, ("metadata", "name"), "a" * 254), "metadata.name", "no more than 253"),
    ("pod-no-name", _with(POD, ("metadata", "name"), _DELETE), "metadata.name", "name or generateName is required"),
    ("statefulset-name-with-dots", dict(_with(DEPLOYMENT, ("metadata", "name"), "a.b"), kind="StatefulSet"),
     "metadata.name", "must not contain dots"),
    ("cronjob-name-over-52", {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c" * 53},
                              "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {
                                  "spec": {"restartPolicy": "Never",
                                           "containers": [{"name": "c", "image": "nginx"}]}}}}}},
     "metadata.name", "no more than 52 characters"),
    ("label-key-invalid", _with(POD, ("metadata", "labels"), {"-x": "v"}), "metadata.labels", "name part must"),
    ("label-value-too-long", _with(POD, ("metadata", "labels"), {"x": "v" * 64}), "metadata.labels",
     "no more than 63 characters"),
    ("label-key-prefix-too-long", _with(POD, ("metadata", "labels"), {"a" * 254 + "/x": "v"}), "metadata.labels",
     "prefix part"),
    ("template-label-invalid", _with(DEPLOYMENT, ("spec", "template", "metadata", "labels"), {"app": "web", "b@d": "x"}),
     "spec.template.metadata.labels", "name part must"),
    ("annotations-over-256k", _with(POD, ("metadata", "annotations"), {"a": "x" * (256 * 1024)}),
     "metadata.annotations", "may not be more than 262144 bytes"),
    ("annotation-key-invalid", _with(POD, ("metadata", "annotations"), {"a b": "v"}), "metadata.annotations",
     "name part must"),
    ("replicas-a-string", _with(DEPLOYMENT, ("spec", "replicas"), "two"), "spec.replicas",
     "cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"),
    ("namespace-a-number", _with(POD, ("metadata", "namespace"), 5), "metadata.namespace",
     "cannot unmarshal number into Go struct field ObjectMeta.metadata.namespace of type string"),
    ("namespace-invalid", _with(POD, ("metadata", "namespace"), "Mesh"), "metadata.namespace", "RFC 1123 label"),
]

#: Near the limits, and accepted.
ACCEPTED = [
    ("name-253", _with(POD, ("metadata", "name"), ".".join(["a" * 63] * 3) + "." + "a" * 61)),
    ("generate-name-trailing-dash", _with(_with(POD, ("metadata", "name"), _DELETE), ("metadata", "generateName"), "web-")),
    ("label-prefixed", _with(POD, ("metadata", "labels"), {"example.com/x": "", "app.kubernetes.io/name": "a_b.c"})),
    ("annotation-key-uppercase", _with(POD, ("metadata", "annotations"), {"Example.com/X": "v"})),
    ("annotations-just-under-256k", _with(POD, ("metadata", "annotations"), {"a": "x" * (256 * 1024 - 1)})),
]
