"""What-if copies of the injector's configuration, written to files for `kubectl inject explain` to read.

The lab never changes a cluster's injector (its ConfigMaps and webhooks serve every namespace, not just the
lab's): the exceptions that need `policy: disabled` or a `neverInjectSelector`, the revision-only install and
the in-place upgrade are shown as what-ifs. On a live cluster the lab reads the injector's `config` and
`values` with `kubectl get configmap … -o jsonpath` (as the seed blog does for `istioctl kube-inject
--injectConfigFile`) and edits the copy; offline it edits the embedded default's injector and writes a
`--cluster-state` file.
"""
from __future__ import annotations

import copy
import json

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, List, Tuple

from .manifests import BUILD_LABELS

NEVER_INJECT = [{"matchExpressions": [{"key": key, "operator": "Exists"}]} for key in BUILD_LABELS]


def _edit_config(text: str, change: Callable[[Dict[str, Any]], None]) -> str:
    from simulator import yamlio
    from simulator.yamlio.write import dump

    config = yamlio.load(text)
    if not isinstance(config, dict):
        raise ValueError("the injector's config is not a mapping")
    change(config)
    return dump(config)


def _policy_disabled(config: Dict[str, Any]) -> None:
    config["policy"] = "disabled"


def _never_inject_builds(config: Dict[str, Any]) -> None:
    config["neverInjectSelector"] = list(config.get("neverInjectSelector") or []) + copy.deepcopy(NEVER_INJECT)


#: edit name → (what it changes, in one line for the learner; the change to the parsed config)
CONFIG_EDITS = {
    "policy-disabled": ("policy: enabled → disabled (only pods that opt in get a sidecar)", _policy_disabled),
    "never-inject-builds": ("neverInjectSelector += pods with label " + " or ".join(BUILD_LABELS),
                            _never_inject_builds),
}


def edited_config(text: str, edit: str) -> str:
    return _edit_config(text, CONFIG_EDITS[edit][1])


def next_version(tag: str) -> str:
    """The tag an in-place upgrade would bring: the next minor release (1.30.3 → 1.31.0)."""
    parts = tag.split(".")
    if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
        return f"{parts[0]}.{int(parts[1]) + 1}.0"
    return tag + "-upgraded"


def upgraded_values(text: str) -> Tuple[str, str, str]:
    """(the injector's values with the next release's tag, the old tag, the new one). The proxy image is
    hub/image:tag from these values (unless `global.proxy.image` names a whole image, which is left alone
    and then no proxy changes: the lab says so from what explain finds)."""
    values = json.loads(text)
    glob = values.setdefault("global", {})
    old = str(glob.get("tag") or "")
    new = next_version(old or "1.0.0")
    glob["tag"] = new
    return json.dumps(values, indent=2) + "\n", old, new


# -- offline: the embedded default's injector, edited, as a --cluster-state file ------------------------------

def _embedded_injector() -> Dict[str, Any]:
    """The embedded injector ConfigMap with its templates inline (a --cluster-state file carries them itself)."""
    from ..state.sources import TEMPLATES_FROM, load_default

    cm = next(copy.deepcopy(d.obj) for d in load_default() if d.obj.get("kind") == "ConfigMap")
    cm["metadata"]["annotations"].pop(TEMPLATES_FROM, None)
    return cm


def embedded_values() -> str:
    return _embedded_injector()["data"]["values"]


def offline_injector_state(edit: str) -> str:
    """A --cluster-state file: the embedded injector with one of CONFIG_EDITS made (other kinds stay the default's)."""
    from simulator.yamlio.write import dump

    cm = _embedded_injector()
    cm["data"]["config"] = edited_config(cm["data"]["config"].split("\ntemplates:\n")[0] + "\n", edit) + \
        "templates:\n" + cm["data"]["config"].split("\ntemplates:\n", 1)[1]
    return dump(cm)


def revision_only_state(revision: str = "canary") -> str:
    """A --cluster-state file: Istio installed only as revision `revision` (`istioctl install --set
    revision=canary` with no default revision and no `default` tag). Its webhooks select `istio.io/rev=canary`
    namespaces and pods; nothing selects `istio-injection=enabled`, which only the default revision (or the
    `default` tag) answers."""
    from simulator.yamlio.write import dump

    from ..state.sources import load_default

    docs: List[Dict[str, Any]] = []
    for doc in load_default():
        obj = copy.deepcopy(doc.obj)
        md = obj["metadata"]
        if obj["kind"] == "MutatingWebhookConfiguration":
            md["name"] = f"istio-sidecar-injector-{revision}"
            md["labels"]["istio.io/rev"] = revision
            obj["webhooks"] = [h for h in obj["webhooks"] if h["name"].startswith("rev.")]
            for hook in obj["webhooks"]:
                hook["clientConfig"]["service"]["name"] = f"istiod-{revision}"
                for selector in (hook.get("namespaceSelector"), hook.get("objectSelector")):
                    for expr in (selector or {}).get("matchExpressions") or []:
                        if expr["key"] == "istio.io/rev" and expr.get("values") == ["default"]:
                            expr["values"] = [revision]
            docs.append(obj)
        elif obj["kind"] == "ConfigMap":
            obj = _embedded_injector()
            obj["metadata"]["name"] = f"istio-sidecar-injector-{revision}"
            obj["metadata"]["labels"]["istio.io/rev"] = revision
            values = json.loads(obj["data"]["values"])
            values["revision"] = revision
            obj["data"]["values"] = json.dumps(values, indent=2)
            docs.append(obj)
    return "---\n".join(dump(d) for d in docs)


def what_if_namespaces(name: str, labels: Dict[str, str]) -> str:
    """A --cluster-state file: the embedded default's Namespaces and the lab's own, as the live lab creates it,
    so an offline explain names the namespace the lab's kubectl commands name (and its hints label that one)."""
    from simulator.yamlio.write import dump

    from ..state.sources import load_default
    from .manifests import namespace

    docs = [copy.deepcopy(d.obj) for d in load_default() if d.obj.get("kind") == "Namespace"]
    docs.append(namespace(name, labels))
    docs[-1]["metadata"]["labels"]["kubernetes.io/metadata.name"] = name
    return "---\n".join(dump(d) for d in docs)
