"""ServiceAccount: the default ServiceAccount, its projected token volume and mounts, its imagePullSecrets,
and the `enforce-mountable-secrets` check.
"""

from __future__ import annotations

from collections.abc import Mapping as _Mapping

from .context import _Context, _name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Mapping


TOKEN_VOLUME_PREFIX = "kube-api-access-"
TOKEN_VOLUME_PLACEHOLDER = TOKEN_VOLUME_PREFIX + "sim00"
TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
TOKEN_EXPIRATION_SECONDS = 3607


MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"
ENFORCE_MOUNTABLE_SECRETS = "kubernetes.io/enforce-mountable-secrets"


# -- ServiceAccount -------------------------------------------------------------------------------------------

def _service_account(ctx: _Context, record: Dict[str, Any]) -> None:
    spec = ctx.spec
    if MIRROR_POD_ANNOTATION in (ctx.meta.get("annotations") or {}):
        if spec.get("serviceAccountName"):
            raise ctx.forbidden("a mirror pod may not reference service accounts")
        record["skipped"] = "mirror pod"
        return
    if not spec.get("serviceAccountName"):
        spec["serviceAccountName"] = spec["serviceAccount"] = "default"
        record["changed"] += ["spec.serviceAccountName", "spec.serviceAccount"]
    name = spec["serviceAccountName"]
    listed = ctx.listed("ServiceAccount")
    if not listed:
        # Every real namespace has a `default` ServiceAccount, so a state listing none for this namespace
        # did not capture it (a snapshot of other namespaces only): assume rather than refuse.
        sa: Mapping[str, Any] = {"metadata": {"name": name, "namespace": ctx.namespace}}
        record["notes"] = [f"ServiceAccount {name} assumed to exist with automount on and no imagePullSecrets "
                           f"(the cluster state lists no ServiceAccounts of namespace {ctx.namespace})"]
    else:
        found = next((o for o in listed if _name(o) == name), None)
        if found is None:
            raise ctx.forbidden(f'error looking up service account {ctx.namespace}/{name}: '
                                f'serviceaccount "{name}" not found')
        sa = found
    automount = spec.get("automountServiceAccountToken")
    if automount is None:
        automount = sa.get("automountServiceAccountToken")
    if automount is None or automount:
        _mount_token(ctx, record)
    if not spec.get("imagePullSecrets"):
        secrets = [{"name": s.get("name", "")} if s.get("name") else {}
                   for s in (sa.get("imagePullSecrets") or []) if isinstance(s, _Mapping)]
        if secrets:
            spec["imagePullSecrets"] = secrets
            record["changed"].append("spec.imagePullSecrets")
    annotations = (sa.get("metadata") or {}).get("annotations") or {}
    if annotations.get(ENFORCE_MOUNTABLE_SECRETS) in ("1", "t", "T", "TRUE", "true", "True"):  # strconv.ParseBool
        _limit_secret_references(ctx, sa)


def _mount_token(ctx: _Context, record: Dict[str, Any]) -> None:
    spec = ctx.spec
    volume_name = next((v.get("name") for v in spec.get("volumes") or []
                        if isinstance(v, dict) and str(v.get("name", "")).startswith(TOKEN_VOLUME_PREFIX)), None)
    has_volume = volume_name is not None
    if not has_volume:
        volume_name = TOKEN_VOLUME_PLACEHOLDER
    needs_volume = False
    for _field, path, c in ctx.containers("initContainers", "containers"):
        if any(isinstance(m, dict) and m.get("mountPath") == TOKEN_MOUNT_PATH for m in c.get("volumeMounts") or []):
            continue
        c.setdefault("volumeMounts", []).append({"name": volume_name, "readOnly": True, "mountPath": TOKEN_MOUNT_PATH})
        record["changed"].append(f"{path}.volumeMounts[{volume_name}]")
        needs_volume = True
    if needs_volume and not has_volume:
        spec.setdefault("volumes", []).append(token_volume(volume_name))
        record["changed"].append(f"spec.volumes[{volume_name}]")


def token_volume(name: str = TOKEN_VOLUME_PLACEHOLDER) -> Dict[str, Any]:
    """The projected volume the plugin adds, as the v1 JSON shows it."""
    return {"name": name, "projected": {
        "sources": [
            {"serviceAccountToken": {"expirationSeconds": TOKEN_EXPIRATION_SECONDS, "path": "token"}},
            {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
            {"downwardAPI": {"items": [{"path": "namespace",
                                        "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
        ],
        "defaultMode": 420}}


def _limit_secret_references(ctx: _Context, sa: Mapping[str, Any]) -> None:
    """The SA's `enforce-mountable-secrets` check, which Admit runs through Validate before any webhook."""
    sa_name = _name(sa)
    mountable = {s.get("name") for s in sa.get("secrets") or [] if isinstance(s, _Mapping)}
    for v in ctx.spec.get("volumes") or []:
        secret = v.get("secret") if isinstance(v, dict) else None
        if isinstance(secret, dict) and secret.get("secretName", "") not in mountable:
            raise ctx.forbidden(f'volume with secret.secretName="{secret.get("secretName", "")}" is not allowed '
                                f'because service account {sa_name} does not reference that secret')
    for field, _path, c in ctx.containers("initContainers", "containers"):
        label = "init container" if field == "initContainers" else "container"
        for env in c.get("env") or []:
            ref = ((env.get("valueFrom") or {}).get("secretKeyRef") if isinstance(env, dict) else None)
            if isinstance(ref, dict) and ref.get("name", "") not in mountable:
                raise ctx.forbidden(f'{label} {c.get("name", "")} with envVar {env.get("name", "")} referencing '
                                    f'secret.secretName="{ref.get("name", "")}" is not allowed because service '
                                    f'account {sa_name} does not reference that secret')
        for env_from in c.get("envFrom") or []:
            ref = env_from.get("secretRef") if isinstance(env_from, dict) else None
            if isinstance(ref, dict) and ref.get("name", "") not in mountable:
                raise ctx.forbidden(f'{label} {c.get("name", "")} with envFrom referencing secret.secretName='
                                    f'"{ref.get("name", "")}" is not allowed because service account {sa_name} '
                                    f'does not reference that secret')
    pull = {s.get("name") for s in sa.get("imagePullSecrets") or [] if isinstance(s, _Mapping)}
    for i, ref in enumerate(ctx.spec.get("imagePullSecrets") or []):
        if isinstance(ref, dict) and ref.get("name", "") not in pull:
            raise ctx.forbidden(f'imagePullSecrets[{i}].name="{ref.get("name", "")}" is not allowed because '
                                f'service account {sa_name} does not reference that imagePullSecret')
