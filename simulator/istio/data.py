"""The data Istio hands its injection templates (`SidecarTemplateData`, pkg/kube/inject/inject.go).

Templates read it through Go reflection: `.ObjectMeta` and `.Spec` are the (stripped) pod's metadata and
spec as Go structs, `.ProxyConfig`/`.MeshConfig` protobuf messages, `.Values` the values map with float64
numbers, and a few strings and ints.  The data is built by inject.data_for_pod, which this module never
imports (it is the lower layer).
"""

from ..gotemplate.values import Int64
from .structs import K8sStruct, SimpleStruct


def deploy_meta_from_pod(pod):
    """kube.GetDeployMetaFromPod: (NamespacedName dict, TypeMeta dict) from the pod's controller reference."""
    import re

    meta = pod.get("metadata") or {}
    labels = meta.get("labels") or {}
    name = meta.get("name", "")
    deploy = {"Name": name, "Namespace": meta.get("namespace", "")}
    type_meta = {"Kind": "Pod", "APIVersion": "v1"}
    if meta.get("generateName"):
        ref = next((r for r in meta.get("ownerReferences") or [] if r.get("controller") is True), None)
        if ref is not None:
            type_meta = {"Kind": ref.get("kind", ""), "APIVersion": ref.get("apiVersion", "")}
            rname = ref.get("name", "")
            deploy["Name"] = rname
            kind = type_meta["Kind"]
            pth = labels.get("pod-template-hash", "")
            rth = labels.get("rollouts-pod-template-hash", "")
            if kind == "ReplicaSet" and pth and rname.endswith(pth):
                deploy["Name"] = rname[: -len(pth) - 1] if rname.endswith("-" + pth) else rname
                type_meta["Kind"] = "Deployment"
            elif kind == "ReplicaSet" and rth and rname.endswith(rth):
                deploy["Name"] = rname[: -len(rth) - 1] if rname.endswith("-" + rth) else rname
                type_meta = {"Kind": "Rollout", "APIVersion": "v1alpha1"}
            elif kind == "ReplicationController" and labels.get("deploymentconfig"):
                deploy["Name"] = labels["deploymentconfig"]
                type_meta["Kind"] = "DeploymentConfig"
            elif kind == "Job":
                m = re.match(r"^(.+)-\d{8,10}$", rname)
                if m:
                    deploy["Name"] = m.group(1)
                    type_meta = {"Kind": "CronJob", "APIVersion": "batch/v1"}
    if deploy["Name"] == "":
        deploy["Name"] = name
    return deploy, type_meta


def type_meta_struct(tm):
    return SimpleStruct("v1.TypeMeta", {"Kind": tm.get("Kind", ""), "APIVersion": tm.get("APIVersion", "")})


def namespaced_name_struct(nn):
    return SimpleStruct("types.NamespacedName", {"Namespace": nn.get("Namespace", ""), "Name": nn.get("Name", "")})


def template_data(*, pod, type_meta, deploy_meta, proxy_config, mesh_config, values, revision, native,
                  proxy_image, proxy_uid, proxy_gid, inbound_mode, compliance_policy, release,
                  proxy_init_image=""):
    """The `*SidecarTemplateData` value (a pointer, as Istio executes templates with `&data`).  Field order
    is the struct's (it shows when a template prints the whole value)."""
    fields = {
        "TypeMeta": type_meta_struct(type_meta),
        "DeploymentMeta": namespaced_name_struct(deploy_meta),
        "ObjectMeta": K8sStruct("meta/v1.ObjectMeta", pod.get("metadata") or {}),
        "Spec": K8sStruct("core/v1.PodSpec", pod.get("spec") or {}),
        "ProxyConfig": proxy_config,
        "MeshConfig": mesh_config,
        "Values": values,
        "Revision": revision,
    }
    if release.data_has_native_sidecars:
        fields["NativeSidecars"] = bool(native)
    fields["ProxyImage"] = proxy_image
    if release.data_has_proxy_init_image:
        fields["ProxyInitImage"] = proxy_init_image
    fields.update({
        "ProxyUID": Int64(proxy_uid),
        "ProxyGID": Int64(proxy_gid),
        "InboundTrafficPolicyMode": inbound_mode,
        "CompliancePolicy": compliance_policy,
    })
    return SimpleStruct("inject.SidecarTemplateData", fields, ptr=True)

