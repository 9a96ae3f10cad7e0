"""Machine-readable formats: the explanation (json/yaml), the JSON patch, and the injected manifests."""
from __future__ import annotations

import copy
import json
from typing import Any, Dict, List

from . import words


def item_data(item) -> Dict[str, Any]:
    """An explained item as the documented `-o json` object (decidedBy.detail rendered as words)."""
    if item.explanation is None:
        return {"object": item.object_ref, "verdict": "error", "error": item.error}
    d = item.explanation.to_dict()
    d["object"]["source"] = {"file": item.document.file, "document": item.document.index, "line": item.document.line}
    if item.document.item is not None:
        d["object"]["source"]["item"] = item.document.item
    inputs = d["decidedBy"].pop("detail")
    d["decidedBy"]["detail"] = words.decided(d["decidedBy"]["rule"], inputs, d)
    d["decidedBy"]["inputs"] = inputs
    d["clusterState"] = item.origins
    return d


def print_json(items, env, options) -> None:
    env.stdout.write(json.dumps({"items": [item_data(i) for i in items]}, indent=2, ensure_ascii=False) + "\n")


def print_yaml(items, env, options) -> None:
    import yaml

    env.stdout.write(yaml.safe_dump({"items": [item_data(i) for i in items]}, sort_keys=False, allow_unicode=True))


def print_patch(items, env, options) -> None:
    explained = [i for i in items if i.explanation is not None]
    if len(explained) == 1:
        env.stdout.write(json.dumps(explained[0].explanation.patch, indent=2) + "\n")
        return
    data = [{"object": i.explanation.object, "patch": i.explanation.patch} for i in explained]
    env.stdout.write(json.dumps({"items": data}, indent=2) + "\n")


def injected_object(item) -> Dict[str, Any]:
    """The input object with its pod (or pod template) replaced by what admission would store,
    like `istioctl kube-inject` prints workloads."""
    obj = item.document.obj
    expl = item.explanation
    if expl is None or expl.verdict.value != "injected":
        return obj
    if expl.manifest is not None:          # a real Istio configuration: exactly what kube-inject prints
        return expl.manifest
    pod = copy.deepcopy(expl.pod)
    if obj.get("kind") == "Pod":
        if not (obj.get("metadata") or {}).get("namespace"):
            pod.get("metadata", {}).pop("namespace", None)
        return pod
    from simulator.objects import pod_template_path

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
    import yaml

    docs = [injected_object(i) for i in items if i.document is not None]
    env.stdout.write(yaml.safe_dump_all(docs, sort_keys=False, default_flow_style=False))
