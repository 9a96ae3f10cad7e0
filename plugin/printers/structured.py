"""Machine-readable formats: the explanation (json/yaml), the JSON patch, and the injected manifests."""
from __future__ import annotations

import json
from enum import Enum
from types import SimpleNamespace
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Optional

    from simulator.trace import ObjectRef

from simulator.records import Frozen
from . import words
from .docs import rule_docs, warning_docs


def item_data(item) -> Dict[str, Any]:
    """An explained item as the documented `-o json` object: the explanation's records as JSON data,
    with where the object came from, the deciding rule in words (`decidedBy.detail`) and the cluster
    state's origins."""
    expl = item.explanation
    if expl is None:
        return {"object": record_data(item.object_ref), "verdict": "error", "error": item.error}
    obj = record_data(expl.object)
    obj["source"] = {"file": item.document.file, "document": item.document.index, "line": item.document.line}
    if item.document.item is not None:
        obj["source"]["item"] = item.document.item
    data = {
        "object": obj,
        "verdict": expl.verdict.value,
        "decidedBy": decided_by_data(expl),
        "stages": [record_data(s) for s in expl.stages],
        "warnings": [{"code": w.code.value, **w.detail, "docs": warning_docs(w.code)} for w in expl.warnings],
        "patch": expl.patch,
        "hints": [record_data(h) for h in expl.hints],
        "clusterState": item.origins,
    }
    live = getattr(item, "live", None)
    if live is not None:     # an object of the live cluster: what its running pods have (live-contracts.md)
        data["live"] = live
    return data


def decided_by_data(expl) -> Dict[str, Any]:
    """`decidedBy` as -o json writes it: the deciding rule, its words, its inputs."""
    db = expl.decided_by
    return {"stage": db.stage.value, "rule": db.rule.value, "webhook": db.webhook,
            "configuration": db.configuration, "detail": words.decided(expl), "inputs": db.detail,
            "docs": rule_docs(db.rule)}


_KEEP = object()      # a field that is always written
_PLANS: Dict[type, Any] = {}


def _plan(cls: type):
    """(position, JSON key, the empty default that leaves the field out or _KEEP) for each field."""
    plan = []
    for i, name in enumerate(cls._fields):
        head, *rest = name.split("_")
        default = cls._field_defaults.get(name, _KEEP)
        empty = default if default is None or default == "" or default == () else _KEEP
        plan.append((i, head + "".join(w.capitalize() for w in rest), empty))
    _PLANS[cls] = plan
    return plan


def record_data(value: Any) -> Any:
    """A record as JSON data: one object per record, its fields in order under camelCase keys, a field
    holding an empty default left out (None for a None default; None or "" for a "" default; an empty
    sequence for a () default); a tuple becomes a list and a code its string.  Evidence that is already data (dicts, lists) is written as it is, not copied."""
    t = type(value)
    if t is str or t is dict or t is list or t is int or t is bool or value is None:
        return value
    if isinstance(value, Frozen):
        out = {}
        for i, key, empty in _PLANS.get(t) or _plan(t):
            v = value[i]
            if empty is not _KEEP and (v is None if empty is None else not v):
                continue
            out[key] = record_data(v)
        return out
    if t is tuple:
        return [record_data(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    return value


class Fragment(Frozen):
    """An item's output already made by the process that explained it (so that, in bulk runs, the
    workers do that work too), and what the CLI still needs to know of the item."""

    verdict: str
    rejection: Optional[str]
    object: ObjectRef
    text: Optional[str] = None                     # -o json: the item; -o pod: the whole document
    member: Optional[Dict[str, Any]] = None        # -o pod, for a List's item: the object to put in the List
    reencode_list: bool = False                    # -o pod: a real Istio configuration injected this List item
    manifest_error: Optional[str] = None           # -o pod: why istioctl kube-inject would refuse the object


def _fragment(explanation, **kw) -> Fragment:
    return Fragment(explanation.verdict.value, explanation.decided_by.detail.get("message"), explanation.object,
                    manifest_error=explanation.manifest_error, **kw)


def json_fragment(origins, document, explanation) -> Fragment:
    """The item's JSON text as it sits inside `{"items": [...]}`."""
    from .jsonout import dumps

    item = SimpleNamespace(document=document, explanation=explanation, origins=origins)
    return _fragment(explanation, text=dumps(item_data(item), level=2))


def pod_fragment(document, explanation) -> Fragment:
    """The document as -o pod prints it; for a List's item, the object that goes into the List."""
    obj = injected_object(SimpleNamespace(document=document, explanation=explanation))
    if document.item is not None:
        return _fragment(explanation, member=obj, reencode_list=explanation.manifest is not None)
    from simulator.yamlio.write import dump

    return _fragment(explanation, text=_untouched_text(document, obj) or dump(obj))


def print_json(items, env, options) -> None:
    stream = JsonStream(env, options)
    stream.write(items)
    stream.close()


class JsonStream:
    """print_json's document written item by item: the opening with the first item, each later item as it
    comes, the closing at the end; the same bytes as print_json over all the items."""

    def __init__(self, env, options):
        self.env = env
        self.started = False

    def write(self, items) -> None:
        from .jsonout import dumps

        texts = [i.rendered.text if i.rendered is not None else dumps(item_data(i), level=2) for i in items]
        if not texts:
            return
        self.env.stdout.write((",\n    " if self.started else '{\n  "items": [\n    ') + ",\n    ".join(texts))
        self.started = True

    def close(self) -> None:
        from .jsonout import dumps

        self.env.stdout.write("\n  ]\n}\n" if self.started else dumps({"items": []}) + "\n")


def print_yaml(items, env, options) -> None:
    from .yamltext import dump

    env.stdout.write(dump({"items": [item_data(i) for i in items]}))


def print_patch(items, env, options) -> None:
    """One shape whatever the number of objects: `{"items": [{"object": …, "patch": […]}]}`, in input order,
    every map's keys sorted (the same bytes on every run).  `.items[0].patch` is the RFC 6902 array
    `kubectl patch --type json -p` takes; the `object` beside each patch keeps many unambiguous."""
    stream = PatchStream(env, options)
    stream.write(items)
    stream.close()


class PatchStream:
    """print_patch's document written item by item: the bytes of `json.dumps({"items": [...]}, indent=2,
    sort_keys=True)`, each item dumped alone and indented to its place (JSON text has no raw line break
    inside a string, so every line break is the indentation's)."""

    def __init__(self, env, options):
        self.env = env
        self.started = False

    def write(self, items) -> None:
        texts = [json.dumps({"object": record_data(i.explanation.object), "patch": i.explanation.patch}, indent=2,
                            sort_keys=True).replace("\n", "\n    ") for i in items if i.explanation is not None]
        if not texts:
            return
        self.env.stdout.write((",\n    " if self.started else '{\n  "items": [\n    ') + ",\n    ".join(texts))
        self.started = True

    def close(self) -> None:
        self.env.stdout.write("\n  ]\n}\n" if self.started else json.dumps({"items": []}, indent=2) + "\n")


def injected_object(item) -> Dict[str, Any]:
    """The input object with its pod (or pod template) replaced by what admission would store,
    like `istioctl kube-inject` prints workloads."""
    obj = item.document.obj
    expl = item.explanation
    if expl is None or expl.verdict.value != "injected" or expl.manifest_error is not None:
        return obj   # not injected, or kube-inject refuses it (the CLI reports that): the object as given
    if expl.manifest is not None:          # a real Istio configuration: exactly what kube-inject prints
        return expl.manifest
    import copy      # only the embedded profile's objects are copied here (Istio's come as kube-inject made them)

    pod = copy.deepcopy(expl.pod)
    if obj.get("kind") == "Pod":
        if not (obj.get("metadata") or {}).get("namespace"):
            pod.get("metadata", {}).pop("namespace", None)
        return pod
    from simulator.kube.objects import pod_template_path

    out = copy.deepcopy(obj)
    target = out
    path = pod_template_path(obj.get("kind"))
    for key in path[:-1]:
        target = target.setdefault(key, {})
    md = pod.get("metadata") or {}
    md.pop("namespace", None)
    original_md = ((target.get(path[-1]) or {}).get("metadata")) or {}
    if "generateName" not in original_md:
        md.pop("generateName", None)
    target[path[-1]] = {"metadata": md, "spec": pod.get("spec")}
    return out


def print_pods(items, env, options) -> None:
    """Every input document, injected ones replaced, in `istioctl kube-inject`'s format: sigs.k8s.io/yaml's
    text, each document followed by `---`, a List kept as one List with its items replaced."""
    from simulator.yamlio.write import dump

    out = []
    for (doc, obj), after in _output_documents(items):
        # the stream's object-less chunks (a licence header, a lone `---`) come back where they were
        out.append(doc.before)
        out.append(obj if isinstance(obj, str) else (_untouched_text(doc, obj) or dump(obj)))
        out.append("---\n")
        out.append(after)
    env.stdout.write("".join(out))


class PodStream:
    """print_pods piece by piece: a piece holds whole documents (a List with all its items), so the pieces'
    texts joined are print_pods over all the items."""

    def __init__(self, env, options):
        self.env, self.options = env, options

    def write(self, items) -> None:
        print_pods(items, self.env, self.options)

    def close(self) -> None:
        pass


def _untouched_text(doc, obj, whole=False):
    """A document admission leaves alone is printed as the user wrote it (comments and all), as
    kube-inject prints documents it does not inject, when its text is known to hold exactly this object
    (`whole`: the List an item `doc` is in)."""
    if doc.raw is None or (obj is not doc.obj and not whole):
        return None
    from simulator import yamlio

    try:
        if yamlio.load(doc.raw) != obj:
            return None
    except yamlio.YAMLSyntaxError:
        return None
    return doc.raw if doc.raw.endswith("\n") else doc.raw + "\n"


def _output_documents(items):
    docs, lists = [], {}   # lists: (file, document) -> (position in docs, its items)
    for item in items:
        doc = item.document
        if doc is None:
            continue
        if doc.item is None:
            rendered = getattr(item, "rendered", None)
            obj = rendered.text if rendered is not None else injected_object(item)
            if obj is doc.obj and obj.get("kind") == "List":     # an empty List: re-encoded, as kube-inject does
                obj = _list_shell(obj)
            docs.append(((doc, obj), doc.after))
            continue
        key = (doc.file, doc.index)
        if key not in lists:
            lists[key] = (len(docs), [])
            docs.append(None)
        lists[key][1].append(item)
    for position, members in lists.values():
        first = members[0].document
        text = None
        if first.parent.get("kind") != "List" and not any(_injected(m) for m in members):
            text = _untouched_text(first, first.parent, whole=True)
        docs[position] = ((first, text if text is not None else _rebuilt_list(members)), members[-1].document.after)
    return docs


def _injected(item) -> bool:
    rendered = getattr(item, "rendered", None)
    verdict = rendered.verdict if rendered is not None else (item.explanation.verdict.value if item.explanation else None)
    return verdict == "injected"


def _list_shell(parent):
    """A `kind: List` as kube-inject re-encodes every one it reads (Go's corev1.List: `metadata: {}` and
    all), or the List as given when Go would not decode it (the items' own errors are reported)."""
    from simulator.istio.kubeinject import decode_list
    from simulator.istio.workloads import DecodeError

    try:
        return decode_list(parent)
    except (DecodeError, ValueError, TypeError):
        return dict(parent)


def _rebuilt_list(members):
    """The List with its explained items replaced.  A `kind: List` is re-encoded as kube-inject re-encodes
    it; a typed list (PodList, DeploymentList: kubectl creates their items, kube-inject leaves them as
    written) keeps its own fields."""
    parent = members[0].document.parent
    shell = _list_shell(parent) if parent.get("kind") == "List" else dict(parent)
    shell["items"] = list(parent.get("items") or [])
    rendered = [getattr(m, "rendered", None) for m in members]
    for m, r in zip(members, rendered):
        shell["items"][m.document.item] = r.member if r is not None else injected_object(m)
    return shell
