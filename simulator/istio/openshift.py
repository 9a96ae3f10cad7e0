"""OpenShift specifics of the webhook (openshift.go, webhook.go), active only when istiod runs with
PLATFORM=openshift: the proxy's UID/GID come from the namespace's pre-allocated ranges, and a user
istio-proxy whose runAsUser equals the (last) app container's loses runAsUser/runAsGroup first.
"""

import re

UID_RANGE = "openshift.io/sa.scc.uid-range"
SUPPLEMENTAL_GROUPS = "openshift.io/sa.scc.supplemental-groups"
DEFAULT_ID = 1337
_U32 = (1 << 32) - 1


def parse_block(text):
    """ParseBlock: "<start>/<size>" or "<start>-<end>" (fmt.Sscanf); (start, end) or None."""
    if "/" in text:
        m = re.match(r"^\s*\+?(\d+)/\s*\+?(\d+)", text)
        if not m or int(m.group(1)) > _U32 or int(m.group(2)) > _U32:
            return None
        start, size = int(m.group(1)), int(m.group(2))
        return start, (start + size - 1) & _U32
    m = re.match(r"^\s*\+?(\d+)-\s*\+?(\d+)", text)
    if not m or int(m.group(1)) > _U32 or int(m.group(2)) > _U32:
        return None
    return int(m.group(1)), int(m.group(2))


def proxy_ids(namespace):
    """GetProxyIDs: (uid, gid) for the proxy; 1337 unless the namespace has OpenShift range annotations."""
    uid = gid = DEFAULT_ID
    if namespace is None:
        return uid, gid
    annotations = (namespace.get("metadata") or {}).get("annotations") or {}
    value = annotations.get(UID_RANGE)
    if value:
        block = parse_block(value)
        if block is not None:
            uid = block[1]
    groups = annotations.get(SUPPLEMENTAL_GROUPS)
    if groups is None:
        groups = annotations.get(UID_RANGE)
    if groups:
        blocks = [parse_block(seg) for seg in groups.split(",")]
        if blocks and all(b is not None for b in blocks):
            gid = blocks[0][1]
    return uid, gid


def reset_matching_proxy_user(pod, include_init=True):
    """If the user's istio-proxy runs as the same user as the app containers, clear its runAsUser/Group
    (OpenShift assigns one UID to every container). Mutates the decoded pod; True when it did."""
    spec = pod.get("spec") or {}
    proxy = next((c for c in spec.get("containers") or [] if c.get("name") == "istio-proxy"), None) or \
        next((c for c in spec.get("initContainers") or [] if c.get("name") == "istio-proxy"), None)
    if proxy is None or proxy.get("securityContext") is None:
        return False
    sidecar_user = app_user = 0
    for c in list(spec.get("containers") or []) + (list(spec.get("initContainers") or []) if include_init else []):
        uid = (c.get("securityContext") or {}).get("runAsUser")
        if c.get("name") == "istio-proxy":
            if uid is not None:
                sidecar_user = uid
        elif c.get("name") not in ("istio-validation", "istio-init") and uid is not None:
            app_user = uid
    if sidecar_user != app_user:
        return False
    proxy["securityContext"].pop("runAsUser", None)
    proxy["securityContext"].pop("runAsGroup", None)
    return True
