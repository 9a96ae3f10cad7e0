// Wrapper that pins istioctl of an Istio master snapshot: commit eed52ebb66ad (2026-08-27), the newest
// istio.io/istio version the Go module proxy serves (it refuses every release tag's pseudo-version).
// That snapshot requires istio.io/api, istio.io/client-go and go-control-plane at pseudo-versions the
// proxy also refuses; the replacements below are the nearest versions it serves (api/client-go v1.31.1,
// released from the same line later; go-control-plane snapshots of 2026-07/08).  They only provide Go
// types for protos and clients, so what kube-inject and manifest generate print comes from the snapshot.
// Built by tests/oracles/istioctl.py: go build istio.io/istio/istioctl/cmd/istioctl from this module.
module kubectlinject.test/oracles/istioctl/master_20260827

go 1.26.0

require istio.io/istio v0.0.0-20260827124520-eed52ebb66ad

replace (
	github.com/envoyproxy/go-control-plane/contrib => github.com/envoyproxy/go-control-plane/contrib v1.36.1-0.20260729145720-a2d8c7492908
	github.com/envoyproxy/go-control-plane/envoy => github.com/envoyproxy/go-control-plane/envoy v1.39.1-0.20260819172001-e6e3fd93e4be
	istio.io/api => istio.io/api v1.31.1
	istio.io/client-go => istio.io/client-go v1.31.1
)
