"""`istioctl kube-inject` for workloads (inject.go IntoResourceFile / IntoObject).

Documents are split like kubectl's YAML reader; a document whose `kind` is one kube-inject knows (by kind
name alone, any apiVersion) is decoded into its Go type, its pod template injected and the object printed
again as Go would (every injected document is re-encoded even when injection is skipped); anything else
is written back byte for byte.  Each document is followed by `---`.  Quirks kept: a CronJob's labels and
annotations are read from and written to `spec.jobTemplate.metadata`; a Pod's workload is guessed from
its controller reference; the namespace checked against the system namespaces is the pod template's own.
"""

from .. import yamlio
from ..depth import GO_JSON_MAX_DEPTH, go_json_depth_error
from ..yamlio.reader import SeparatorError, split_documents
from ..errors import TemplateRenderError
from ..golang.jsonkind import json_kind
from ..golang.strconv import go_quote
from . import workloads
from .inject import Context, inject
from .policy import KUBE_INJECT, decide
from ..yamlio.write import dump

KINDS = ("Pod", "ReplicationController", "Deployment", "DaemonSet", "ReplicaSet", "Job", "CronJob",
         "StatefulSet", "List", "DeploymentConfig")


class KubeInjectError(ValueError):
    """istioctl kube-inject would exit with this error (documents before it were already written)."""


#: How sigs.k8s.io/yaml's Unmarshal wraps a decoding error (FromRawToObject decodes with it).
UNMARSHAL_ERROR = "error unmarshaling JSON: while decoding JSON: "


def _decode_error(message):
    return KubeInjectError(UNMARSHAL_ERROR + message)


def check_type_meta(doc):
    """FromRawToObject's first step, yaml.Unmarshal into metav1.TypeMeta: a document that is not a mapping,
    or an apiVersion/kind that is a list or a mapping, fails (scalars are made strings for string fields);
    null decodes into anything."""
    if doc is None:
        return
    if not isinstance(doc, dict):
        raise _decode_error("json: cannot unmarshal %s into Go value of type v1.TypeMeta" % json_kind(doc))
    for key, value in doc.items():
        if key in ("apiVersion", "kind") and isinstance(value, (list, dict)):
            raise _decode_error("json: cannot unmarshal %s into Go struct field TypeMeta.%s of type string"
                                % (json_kind(value), key))


def _locate(obj, kind):
    """(metadata, spec) of the pod template in the decoded object, plus type/deploy meta for templates."""
    meta = obj.get("metadata") or {}
    type_meta = {"Kind": obj.get("kind", ""), "APIVersion": obj.get("apiVersion", "")}
    deploy = {"Name": meta.get("name", ""), "Namespace": meta.get("namespace", "")}
    spec = obj.setdefault("spec", {})
    if kind == "CronJob":
        jt = spec.setdefault("jobTemplate", {})
        tmpl_spec = jt.setdefault("spec", {}).setdefault("template", {})
        return jt, "metadata", tmpl_spec, "spec", type_meta, deploy
    if kind == "Pod":
        return obj, "metadata", obj, "spec", None, None
    if kind in ("ReplicationController", "DeploymentConfig"):
        if spec.get("template") is None:
            raise KubeInjectError("spec.template is required value")
    tmpl = spec.setdefault("template", {})
    return tmpl, "metadata", tmpl, "spec", type_meta, deploy


def inject_object(obj, ctx, warnings):
    """IntoObject on a decoded (canonical) object of a known kind; returns the object to print."""
    kind = obj.get("kind")
    if kind == "List":
        if obj.get("items") is None:
            return obj
        items = []
        for raw in obj["items"]:
            check_type_meta(raw)
            if isinstance(raw, dict) and raw.get("kind") in KINDS:
                items.append(inject_object(_decode(raw), ctx, warnings))
            else:   # a kind kube-inject does not know (or none): not registered, left as is
                items.append(raw)
        obj["items"] = items
        return obj
    mholder, mkey, sholder, skey, type_meta, deploy = _locate(obj, kind)
    pod_meta = mholder.get(mkey) or {}
    pod_spec = sholder.get(skey) or {}
    if kind == "Pod":
        from .data import deploy_meta_from_pod

        deploy, type_meta = deploy_meta_from_pod({"metadata": pod_meta, "spec": pod_spec})
    name = pod_meta.get("name") or deploy["Name"]
    full = "%s/%s" % (deploy["Namespace"], name) if deploy["Namespace"] else name
    kind_name = type_meta["Kind"]
    if pod_spec.get("hostNetwork"):
        warnings.append(_skip(kind_name, full, "has host networking enabled"))
        return obj
    if "proxy.istio.io/config" in (pod_meta.get("annotations") or {}):
        from .mesh import MeshConfigError, apply_proxy_config_annotation

        try:
            apply_proxy_config_annotation(pod_meta["annotations"]["proxy.istio.io/config"], ctx.mesh)
        except MeshConfigError as e:
            raise KubeInjectError(str(e)) from None
    if not decide({"metadata": pod_meta, "spec": pod_spec}, KUBE_INJECT, ctx.release).inject:
        warnings.append(_skip(kind_name, full, "has sidecar injection disabled"))
        return obj
    owner = {"kind": type_meta["Kind"], "apiVersion": type_meta["APIVersion"],
             "metadata": {"name": deploy["Name"], "namespace": deploy["Namespace"]}}
    try:
        # The pod template comes out of the typed decode of its workload, so it already is Go's encoding.
        result = inject({"metadata": pod_meta, "spec": pod_spec}, ctx.config, mode="kube-inject", owner=owner,
                        context=ctx, decoded=True)
    except TemplateRenderError as e:
        raise KubeInjectError(e.message) from None
    mholder[mkey] = result.pod.get("metadata") or {}
    sholder[skey] = result.pod.get("spec") or {}
    return obj


def _skip(kind, full, why):
    if kind:
        return "===> Skipping injection because %s %s %s\n" % (kind, go_quote(full), why)
    return "===> Skipping injection because %s %s\n" % (go_quote(full), why)


def decode_list(doc):
    """corev1.List: TypeMeta, ListMeta, and items kept as raw JSON (runtime.RawExtension).  sigs.k8s.io/yaml
    does not see the inline TypeMeta's fields, so a number there is not made a string and fails."""
    out = {}
    for key in ("kind", "apiVersion"):
        v = doc.get(key)
        if v is not None and not isinstance(v, str):
            raise workloads.DecodeError("json: cannot unmarshal %s into Go struct field List.TypeMeta.%s of type "
                                        "string" % (json_kind(v), key))
        if v:
            out[key] = v
    meta = doc.get("metadata")
    out["metadata"] = workloads.roundtrip(workloads.coerce_for_target(meta, "meta/v1.ListMeta"),
                                          "meta/v1.ListMeta") if isinstance(meta, dict) else {}
    items = doc.get("items")
    if items is not None and not isinstance(items, list):
        raise workloads.DecodeError("json: cannot unmarshal %s into Go struct field List.items of type "
                                    "[]runtime.RawExtension" % json_kind(items))
    out["items"] = items
    return out


def _decode(doc):
    """The document decoded into the Go type of its (known) kind, as kube-inject's yaml.Unmarshal does."""
    kind = doc["kind"]
    try:
        return decode_list(doc) if kind == "List" else workloads.decode_object(kind, doc)
    except workloads.DecodeError as e:
        raise _decode_error(str(e)) from None


def kube_inject_object(obj, config, *, native_sidecars=None, env=None, revision=None, version=None,
                       context=None, warnings=None, cache=None):
    """One decoded workload document injected as kube-inject does (a new dict, Go's JSON encoding).

    `warnings` (a list) receives kube-inject's "===> Skipping injection ..." lines.  Raises
    KubeInjectError for what makes istioctl fail.  `cache`: an EngineCache (see inject.Context)."""
    ctx = context or Context(config, mode="kube-inject", env=env, native_sidecars=native_sidecars,
                             version=version, revision=revision, cache=cache)
    check_type_meta(obj)
    if obj.get("kind") not in KINDS:
        return obj
    out = inject_object(_decode(obj), ctx, warnings if warnings is not None else [])
    if not ctx.release.omits_zero_creation_timestamp:
        _null_timestamps(out)
    return out


def _null_timestamps(obj):
    kind = obj.get("kind")
    if kind == "List":
        for item in obj.get("items") or []:
            if isinstance(item, dict) and item.get("kind") in KINDS and item.get("kind") != "List":
                workloads.add_null_creation_timestamps(item, workloads.ROOTS[item["kind"]])
        return
    workloads.add_null_creation_timestamps(obj, workloads.ROOTS[kind])


def kube_inject_text(text, config, *, native_sidecars=None, env=None, revision=None, version=None, cache=None,
                     context=None):
    """(stdout, stderr, error) of `istioctl kube-inject -f <file with text>` with the given configuration;
    `cache`: an EngineCache kept between calls (see inject.Context); `context`: a kube-inject Context
    already made for `config` (the other settings are then its own)."""
    try:
        ctx = context or Context(config, mode="kube-inject", env=env, native_sidecars=native_sidecars,
                                 version=version, revision=revision, cache=cache)
    except TemplateRenderError as e:   # the mesh or values do not load: istioctl stops before any output
        return "", "", e.message
    raws, refused = file_documents(text)
    return joined((kube_inject_document(raw, config, ctx) for raw in raws), refused)


def file_documents(text):
    """(the documents of a file, cut as istioctl's reader cuts them, None), or where the reader refuses a
    separator, (the documents before it, the error istioctl stops with once it has done them)."""
    try:
        return split_documents(text), None
    except SeparatorError as e:
        return e.documents, str(e)


def kube_inject_document(raw, config, ctx):
    """(output, warnings, error) for one document of a file: what kube-inject writes for it (the document
    and its `---`), its "===> Skipping" lines, and the error istioctl would stop at (output then empty).
    Documents are independent (each is decoded and injected on its own, reading only `ctx`), so they can
    be done in any order, or in parallel, and joined in input order."""
    warnings = []
    try:
        try:
            doc = yamlio.load(raw)
        except yamlio.YAMLSyntaxError as e:
            raise KubeInjectError("error converting YAML to JSON: yaml: %s" % e) from None
        if len(raw) > GO_JSON_MAX_DEPTH:      # (each level takes at least a character)
            problem = go_json_depth_error(doc)
            if problem is not None:      # the JSON of the document, decoded for its TypeMeta first
                raise KubeInjectError("error unmarshaling JSON: while decoding JSON: " + problem)
        check_type_meta(doc)
        kind = (doc or {}).get("kind")
        if not isinstance(kind, str) or kind not in KINDS:
            return (raw if raw.endswith("\n") or not raw else raw + "\n") + "---\n", warnings, None
        return dump(kube_inject_object(doc, config, context=ctx, warnings=warnings)) + "---\n", warnings, None
    except KubeInjectError as e:
        return "", warnings, str(e)


def joined(results, refused=None):
    """(stdout, stderr, error) of a file from its documents' kube_inject_document results, in order, up to
    the first error (istioctl stops there; the documents after it are not read); `refused`: the error
    after the last document (file_documents' separator error), if none came before it."""
    out = []
    warnings = []
    error = None
    for text, warns, error in results:
        out.append(text)
        warnings.extend(warns)
        if error is not None:
            break
    return "".join(out), warning_text(warnings), error if error is not None else refused


def warning_text(warnings):
    """What istioctl writes on stderr for a file's "===> Skipping" lines (nothing when there are none)."""
    return "\n" + "".join(w + "\n" for w in warnings) if warnings else ""
