"""Webhook selection as kube-apiserver performs it: one module per predicate, `dispatch` for the order,
`validate` for whether apiserver would have stored a configuration at all.

Mirrors `staging/src/k8s.io/apiserver/pkg/admission/plugin/webhook/` (`predicates/rules`,
`predicates/namespace`, `predicates/object`, `matchconditions`, `generic/webhook.go`).
"""
