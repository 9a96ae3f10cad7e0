module kubectl-inject/tests/istio/protoschema

go 1.24.0

require (
	google.golang.org/protobuf v1.36.11
	istio.io/api v1.30.3-0.20260710004328-2e43f07b30b6
)

require (
	github.com/golang/protobuf v1.5.4 // indirect
	google.golang.org/genproto/googleapis/api v0.0.0-20251213004720-97cd9d5aeac2 // indirect
)
