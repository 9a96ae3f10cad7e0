"""API defaulting of a v1 Pod, as kube-apiserver 1.37 applies it while decoding a CREATE request.

Webhooks and their matchConditions never see the pod as the user wrote it: the body is decoded into
corev1.Pod and defaulted (SetObjectDefaults_Pod in pkg/apis/core/v1) before any admission plugin runs.  The
rules here follow that generated function and the hand-written SetDefaults_* it calls, with the feature gates
at their 1.37 defaults (ImageVolume on; PodLevelResources on but PodLevelResourcesFixDefaulting on, which moves
pod-level resource defaulting after the webhooks; H2CContainerProbe off).

Works on the output of `typed.roundtrip_pod`, so absent and zero are the same thing here (omitempty zeros are
already gone), and records every path it fills in, for the explanation.
"""
from __future__ import annotations

import re
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List

TERMINATION_MESSAGE_PATH = "/dev/termination-log"
DEFAULT_SCHEDULER = "default-scheduler"
DEFAULT_GRACE_SECONDS = 30
DEFAULT_FILE_MODE = 420          # 0644: secret, configMap, downwardAPI and projected volumes
DEFAULT_TOKEN_EXPIRATION = 3600  # a serviceAccountToken projection the user wrote without expirationSeconds


# -- image references (github.com/distribution/reference v0.6.0, as ParseImageName uses it) ---------------------

_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = _ALNUM + r"(?:" + _SEPARATOR + _ALNUM + r")*"
_REMOTE = _PATH_COMPONENT + r"(?:/" + _PATH_COMPONENT + r")*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_HOST = r"(?:" + _DOMAIN_COMPONENT + r"(?:\." + _DOMAIN_COMPONENT + r")*|\[(?:[a-fA-F0-9:]+)\])"
_DOMAIN_AND_PORT = _HOST + r"(?::[0-9]+)?"
_TAG = r"[0-9A-Za-z_][0-9A-Za-z_.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_REFERENCE = re.compile(r"((?:" + _DOMAIN_AND_PORT + r"/)?" + _REMOTE + r")(?::(" + _TAG + r"))?(?:@(" + _DIGEST + r"))?")
_NAME = re.compile(r"(?:(" + _DOMAIN_AND_PORT + r")/)?(" + _REMOTE + r")")
_IDENTIFIER = re.compile(r"[a-f0-9]{64}")
_DIGEST_HEX_LEN = {"sha256": 64, "sha384": 96, "sha512": 128}


def _normalized_name(image: str) -> str:
    """The docker.io/library/... form ParseNormalizedNamed parses (its splitDockerDomain)."""
    first, sep, rest = image.partition("/")
    if not sep:
        return "docker.io/library/" + image
    if first == "localhost":
        domain, remote = first, rest
    elif first == "index.docker.io":
        domain, remote = "docker.io", rest
    elif ":" in first or "." in first or first.lower() != first:
        domain, remote = first, rest
    else:
        domain, remote = "docker.io", image
    if domain == "docker.io" and "/" not in remote:
        remote = "library/" + remote
    return domain + "/" + remote


def image_tag(image: str):
    """The tag ParseImageName reports: "latest" when neither tag nor digest is given, None when the image
    does not parse (the defaulting then treats it as not-latest)."""
    if _IDENTIFIER.fullmatch(image):
        return None
    domain_and_rest = _normalized_name(image)
    remainder = domain_and_rest.split("/", 1)[1]
    remote = remainder.split(":", 1)[0]
    if remote.lower() != remote:
        return None
    m = _REFERENCE.fullmatch(domain_and_rest)
    if m is None:
        return None
    name_match = _NAME.fullmatch(m.group(1))
    if name_match is not None and len(name_match.group(2)) > 255:
        return None
    tag, digest = m.group(2) or "", m.group(3) or ""
    if digest:
        algorithm, _, hexpart = digest.partition(":")
        want = _DIGEST_HEX_LEN.get(algorithm)
        if want is None or len(hexpart) != want or not re.fullmatch(r"[a-f0-9]+", hexpart):
            return None
    if not tag and not digest:
        return "latest"
    return tag


def default_pull_policy(image: str) -> str:
    return "Always" if image_tag(image or "") == "latest" else "IfNotPresent"


# -- quantities: SetDefaults_ResourceList rounds every value up to milli precision -------------------------------

def round_up_milli(text: str) -> str:
    from .typed import TypedError
    from .typed.quantity import _canonical, _parse_quantity

    try:
        unscaled, exp, fmt, _cached = _parse_quantity(text)
    except TypedError:
        return text
    if exp >= -3 or unscaled == 0:
        return text
    q, r = divmod(abs(unscaled), 10 ** (-3 - exp))
    if r == 0:
        return text  # exact at milli precision: Go keeps the string it decoded
    rounded = (q + 1) * (1 if unscaled > 0 else -1)
    return _canonical(rounded, -3, "DecimalSI" if fmt == "BinarySI" else fmt, "")


def _round_list(rl: Any, path: str, changed: List[str]) -> None:
    if not isinstance(rl, dict):
        return
    for k, v in rl.items():
        if isinstance(v, str):
            new = round_up_milli(v)
            if new != v:
                rl[k] = new
                changed.append(f"{path}.{k}")


# -- the defaulting itself ----------------------------------------------------------------------------------------

def _volume_source_keys():
    from . import pod_schema

    return tuple(spec.split(" ")[0] for spec in pod_schema.TYPES["core/v1.Volume"][4]
                 if "embedded=VolumeSource" in spec)


_SOURCE_KEYS = None


def _set(obj: Dict[str, Any], key: str, value: Any, path: str, changed: List[str]) -> None:
    if not obj.get(key):
        obj[key] = value
        changed.append(f"{path}.{key}")


def _set_if_absent(obj: Dict[str, Any], key: str, value: Any, path: str, changed: List[str]) -> None:
    """For pointer fields, where an explicit zero (false, 0, "") is kept."""
    if obj.get(key) is None:
        obj[key] = value
        changed.append(f"{path}.{key}")


def _field_ref(fr: Any, path: str, changed: List[str]) -> None:
    if isinstance(fr, dict):
        _set(fr, "apiVersion", "v1", path, changed)


def _http_get(action: Any, path: str, changed: List[str]) -> None:
    if isinstance(action, dict):
        _set(action, "path", "/", path, changed)
        _set(action, "scheme", "HTTP", path, changed)


def _probe(probe: Any, path: str, changed: List[str]) -> None:
    if not isinstance(probe, dict):
        return
    for key, value in (("timeoutSeconds", 1), ("periodSeconds", 10), ("successThreshold", 1), ("failureThreshold", 3)):
        _set(probe, key, value, path, changed)
    _http_get(probe.get("httpGet"), path + ".httpGet", changed)
    grpc = probe.get("grpc")
    if isinstance(grpc, dict):
        _set_if_absent(grpc, "service", "", path + ".grpc", changed)


def _container(c: Dict[str, Any], path: str, changed: List[str]) -> None:
    if not c.get("imagePullPolicy"):
        c["imagePullPolicy"] = default_pull_policy(c.get("image") or "")
        changed.append(path + ".imagePullPolicy")
    _set(c, "terminationMessagePath", TERMINATION_MESSAGE_PATH, path, changed)
    _set(c, "terminationMessagePolicy", "File", path, changed)
    for i, port in enumerate(c.get("ports") or []):
        if isinstance(port, dict):
            _set(port, "protocol", "TCP", f"{path}.ports[{i}]", changed)
    for i, env in enumerate(c.get("env") or []):
        value_from = env.get("valueFrom") if isinstance(env, dict) else None
        if isinstance(value_from, dict):
            _field_ref(value_from.get("fieldRef"), f"{path}.env[{i}].valueFrom.fieldRef", changed)
            file_ref = value_from.get("fileKeyRef")
            if isinstance(file_ref, dict):
                _set_if_absent(file_ref, "optional", False, f"{path}.env[{i}].valueFrom.fileKeyRef", changed)
    resources = c.get("resources")
    if isinstance(resources, dict):
        _round_list(resources.get("limits"), path + ".resources.limits", changed)
        _round_list(resources.get("requests"), path + ".resources.requests", changed)
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        _probe(c.get(probe), f"{path}.{probe}", changed)
    lifecycle = c.get("lifecycle")
    if isinstance(lifecycle, dict):
        for hook in ("postStart", "preStop"):
            handler = lifecycle.get(hook)
            if isinstance(handler, dict):
                _http_get(handler.get("httpGet"), f"{path}.lifecycle.{hook}.httpGet", changed)


def _volume(v: Dict[str, Any], path: str, changed: List[str]) -> None:
    global _SOURCE_KEYS
    if _SOURCE_KEYS is None:
        _SOURCE_KEYS = _volume_source_keys()
    if not any(v.get(k) is not None for k in _SOURCE_KEYS):
        v["emptyDir"] = {}
        changed.append(path + ".emptyDir")
    image = v.get("image")
    if isinstance(image, dict) and not image.get("pullPolicy"):
        image["pullPolicy"] = default_pull_policy(image.get("reference") or "")
        changed.append(path + ".image.pullPolicy")
    src = v.get("hostPath")
    if isinstance(src, dict):
        _set_if_absent(src, "type", "", path + ".hostPath", changed)
    for key in ("secret", "configMap", "downwardAPI", "projected"):
        src = v.get(key)
        if isinstance(src, dict):
            _set_if_absent(src, "defaultMode", DEFAULT_FILE_MODE, f"{path}.{key}", changed)
    src = v.get("downwardAPI")
    if isinstance(src, dict):
        for i, item in enumerate(src.get("items") or []):
            if isinstance(item, dict):
                _field_ref(item.get("fieldRef"), f"{path}.downwardAPI.items[{i}].fieldRef", changed)
    src = v.get("projected")
    if isinstance(src, dict):
        for j, source in enumerate(src.get("sources") or []):
            if not isinstance(source, dict):
                continue
            dapi = source.get("downwardAPI")
            if isinstance(dapi, dict):
                for i, item in enumerate(dapi.get("items") or []):
                    if isinstance(item, dict):
                        _field_ref(item.get("fieldRef"),
                                   f"{path}.projected.sources[{j}].downwardAPI.items[{i}].fieldRef", changed)
            token = source.get("serviceAccountToken")
            if isinstance(token, dict):
                _set_if_absent(token, "expirationSeconds", DEFAULT_TOKEN_EXPIRATION,
                               f"{path}.projected.sources[{j}].serviceAccountToken", changed)
    src = v.get("iscsi")
    if isinstance(src, dict):
        _set(src, "iscsiInterface", "default", path + ".iscsi", changed)
    src = v.get("rbd")
    if isinstance(src, dict):
        _set(src, "pool", "rbd", path + ".rbd", changed)
        _set(src, "user", "admin", path + ".rbd", changed)
        _set(src, "keyring", "/etc/ceph/keyring", path + ".rbd", changed)
    src = v.get("azureDisk")
    if isinstance(src, dict):
        for key, value in (("cachingMode", "ReadWrite"), ("fsType", "ext4"), ("readOnly", False), ("kind", "Shared")):
            _set_if_absent(src, key, value, path + ".azureDisk", changed)
    src = v.get("scaleIO")
    if isinstance(src, dict):
        _set(src, "storageMode", "ThinProvisioned", path + ".scaleIO", changed)
        _set(src, "fsType", "xfs", path + ".scaleIO", changed)
    src = v.get("ephemeral")
    template = src.get("volumeClaimTemplate") if isinstance(src, dict) else None
    if isinstance(template, dict) and isinstance(template.get("spec"), dict):
        spec = template["spec"]
        tpath = path + ".ephemeral.volumeClaimTemplate.spec"
        _set_if_absent(spec, "volumeMode", "Filesystem", tpath, changed)
        resources = spec.get("resources")
        if isinstance(resources, dict):
            _round_list(resources.get("limits"), tpath + ".resources.limits", changed)
            _round_list(resources.get("requests"), tpath + ".resources.requests", changed)


def _containers(spec: Dict[str, Any], field: str):
    for i, c in enumerate(spec.get(field) or []):
        if isinstance(c, dict):
            yield f"spec.{field}[{c.get('name') or i}]", c


def apply_pod_defaults(pod: Dict[str, Any]) -> List[str]:
    """Default `pod` (a round-tripped v1 Pod dict) in place; returns the paths it set."""
    changed: List[str] = []
    spec = pod.get("spec")
    if not isinstance(spec, dict):
        return changed

    # SetDefaults_Pod
    grace = spec.get("terminationGracePeriodSeconds")
    if isinstance(grace, int) and grace < 0:
        spec["terminationGracePeriodSeconds"] = 1
        changed.append("spec.terminationGracePeriodSeconds")
    for field in ("containers", "initContainers"):
        for path, c in _containers(spec, field):
            resources = c.get("resources")
            limits = resources.get("limits") if isinstance(resources, dict) else None
            if isinstance(limits, dict) and limits:
                requests = resources.setdefault("requests", {})
                for k, v in limits.items():
                    if k not in requests:
                        requests[k] = v
                        changed.append(f"{path}.resources.requests.{k}")
    _set_if_absent(spec, "enableServiceLinks", True, "spec", changed)
    if spec.get("hostNetwork"):
        for field in ("containers", "initContainers"):
            for path, c in _containers(spec, field):
                for i, port in enumerate(c.get("ports") or []):
                    if isinstance(port, dict) and not port.get("hostPort") and port.get("containerPort"):
                        port["hostPort"] = port["containerPort"]
                        changed.append(f"{path}.ports[{i}].hostPort")

    # SetDefaults_PodSpec
    if not spec.get("serviceAccountName") and spec.get("serviceAccount"):
        spec["serviceAccountName"] = spec["serviceAccount"]
        changed.append("spec.serviceAccountName")
    if spec.get("serviceAccountName") and spec.get("serviceAccount") != spec["serviceAccountName"]:
        spec["serviceAccount"] = spec["serviceAccountName"]  # the deprecated alias always mirrors the name
        changed.append("spec.serviceAccount")
    _set(spec, "dnsPolicy", "ClusterFirst", "spec", changed)
    _set(spec, "restartPolicy", "Always", "spec", changed)
    _set_if_absent(spec, "securityContext", {}, "spec", changed)
    _set_if_absent(spec, "terminationGracePeriodSeconds", DEFAULT_GRACE_SECONDS, "spec", changed)
    _set(spec, "schedulerName", DEFAULT_SCHEDULER, "spec", changed)

    for i, v in enumerate(spec.get("volumes") or []):
        if isinstance(v, dict):
            _volume(v, f"spec.volumes[{v.get('name') or i}]", changed)
    for field in ("initContainers", "containers", "ephemeralContainers"):
        for path, c in _containers(spec, field):
            _container(c, path, changed)
    _round_list(spec.get("overhead"), "spec.overhead", changed)
    resources = spec.get("resources")
    if isinstance(resources, dict):
        _round_list(resources.get("limits"), "spec.resources.limits", changed)
        _round_list(resources.get("requests"), "spec.resources.requests", changed)

    # SetDefaults_PodStatus: the singular and the list form of the pod IP are kept in step.
    status = pod.get("status")
    if isinstance(status, dict):
        ip, ips = status.get("podIP"), status.get("podIPs") or []
        first = ips[0].get("ip") if ips and isinstance(ips[0], dict) else None
        if ip and (not ips or first != ip):
            status["podIPs"] = [{"ip": ip}]
            changed.append("status.podIPs")
        elif not ip and ips and first:
            status["podIP"] = first
            changed.append("status.podIP")
    return changed
