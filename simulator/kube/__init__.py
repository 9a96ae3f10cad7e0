"""What kube-apiserver does to a pod before and while calling webhooks: objects, label selectors,
API defaulting, the typed round trip, strategic merge, in-tree admission plugins, webhook dispatch."""
