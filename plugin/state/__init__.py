"""Where cluster state comes from: the embedded default, `--cluster-state` files, the three istioctl
files, an Istio release."""
