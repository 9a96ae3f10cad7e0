"""Which revisions and tags of Istio's injector a cluster has, read from its webhook configurations.

Advice about `istio-injection` and `istio.io/rev` must name what is really there: a namespace label is
only worth setting to a value some injector webhook selects.  The values are read from the webhooks'
namespaceSelectors (an `In` requirement on the key, or `matchLabels`), so a tag counts under its own
name, as the chart's tag webhooks select it; revisions come from `injector_revision` and tags from the
configurations' `istio.io/tag` label (chart: `revision-tags-mwc.yaml`).
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Iterable, List, Mapping, Tuple

    from ..kube.webhook.dispatch import WebhookRef

from ..records import Frozen
from .revision import injector_revision, is_istio_injector

REV_LABEL = "istio.io/rev"
INJECTION_LABEL = "istio-injection"
TAG_LABEL = "istio.io/tag"


class Installed(Frozen):
    revisions: Tuple[str, ...]            # revisions with an injector webhook, "default" first
    tags: Mapping[str, str]               # tag -> the revision it points at
    rev_values: Tuple[str, ...]           # istio.io/rev values some injector webhook's namespaceSelector selects
    injection_values: Tuple[str, ...]     # istio-injection values some injector webhook's namespaceSelector selects


def _selected(selector: Any, key: str) -> List[str]:
    if not isinstance(selector, dict):
        return []
    out = []
    labels = selector.get("matchLabels")
    if isinstance(labels, dict) and isinstance(labels.get(key), str):
        out.append(labels[key])
    for req in selector.get("matchExpressions") or []:
        if isinstance(req, dict) and req.get("key") == key and req.get("operator") == "In":
            out.extend(v for v in req.get("values") or [] if isinstance(v, str))
    return out


def installed(webhooks: Iterable[WebhookRef]) -> Installed:
    revisions: List[str] = []
    tags: Dict[str, str] = {}
    rev_values: List[str] = []
    injection_values: List[str] = []
    for ref in webhooks:
        if not is_istio_injector(ref):
            continue
        revision = injector_revision(ref)
        tag = ((ref.config_object.get("metadata") or {}).get("labels") or {}).get(TAG_LABEL)
        if isinstance(tag, str) and tag:
            tags.setdefault(tag, revision)
        elif revision not in revisions:
            revisions.append(revision)
        selector = ref.webhook.get("namespaceSelector")
        rev_values.extend(v for v in _selected(selector, REV_LABEL) if v not in rev_values)
        injection_values.extend(v for v in _selected(selector, INJECTION_LABEL) if v not in injection_values)
    ordered = sorted(revisions, key=lambda r: (r != "default", r))
    return Installed(tuple(ordered), dict(sorted(tags.items())), tuple(sorted(rev_values, key=lambda r: (r != "default", r))),
                     tuple(sorted(injection_values)))


def summary(inst: Installed) -> Dict[str, Any]:
    """The installed injectors as plain data, for warnings' `detail`."""
    return {"revisions": list(inst.revisions), "tags": dict(inst.tags)}
