// Wrapper that pins istioctl of Istio 1.30.3 (tag 1.30.3 = commit 56df41f63e51, 2026-07-13).
// Istio's release tags are not semver, so the module is required at the tag commit's pseudo-version.
// Built by tests/oracles/istioctl.py: go build istio.io/istio/istioctl/cmd/istioctl from this module.
module kubectlinject.test/oracles/istioctl/v1_30_3

go 1.25.9

require istio.io/istio v0.0.0-20260713165634-56df41f63e51
