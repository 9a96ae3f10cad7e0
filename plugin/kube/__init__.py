"""Talking to a live cluster as kubectl would: which kubeconfig, context, cluster, user and namespace
(`kubeconfig`, pure Python, read on every run and so kept cheap), kubectl's connection flags (`flags`), and
the client (`client`: the only module that imports the `kubernetes` package, and only when a command
really goes live).
"""
