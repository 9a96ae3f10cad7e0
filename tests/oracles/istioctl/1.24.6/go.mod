// Wrapper that pins istioctl of Istio 1.24.6 (tag 1.24.6 = commit 734e100e0cfb, 2025-05-09).
// Istio's release tags are not semver, so the module is required at the tag commit's pseudo-version.
// Istio 1.24.6's own go.mod replaces mergo; replace directives only apply in the main module, so the
// same replace is repeated here (this is why `go install istio.io/istio/...@version` refuses to build it).
module kubectlinject.test/oracles/istioctl/v1_24_6

go 1.23.0

require istio.io/istio v0.0.0-20250509145746-734e100e0cfb

replace github.com/imdario/mergo => github.com/imdario/mergo v0.3.5
