"""Parity with a real kube-apiserver: does the simulator call the same webhooks?

Needs Go (to build kube-apiserver once, cached) and Debian's etcd (.ci/prereqs-apiserver.sh); skips otherwise.
Run: python -m pytest tests/realcluster   (one group: -k truth-table)
"""
