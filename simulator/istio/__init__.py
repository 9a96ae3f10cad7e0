"""Istio's sidecar injector, reproduced: what the webhook (istiod) and `istioctl kube-inject` do to a pod.

Entry points (import them from their modules; this package imports nothing eagerly):
- `simulator.istio.inject.inject(pod, config, mode="webhook"|"kube-inject", ...)` -> templates.Injection
- `simulator.istio.templates.inject(pod, config, renderer)`: Istio's template stage alone (the Jinja profile)
- `simulator.istio.kubeinject.kube_inject_object(obj, config, ...)` / `kube_inject_text(text, config, ...)`

Pieces: policy.py (injectRequired, for the webhook and kube-inject), templates.py (the template stage, for
any template engine), mesh.py (mesh/proxy config loading and merging), proto/ (+ generated proto_schema.py: protobuf
messages as Go structs; jsonpb decode and encode), structs.py (Kubernetes objects as Go structs), funcs.py
(Istio's template function map), data.py (the template data), values.py, images.py, validate.py,
postprocess.py, app_probe.py (probe rewriting), openshift.py, patch.py (the webhook's JSON patch),
workloads.py (+ generated workload_schema.py), kubeinject.py, release.py (what differs between Istio
releases).
"""
