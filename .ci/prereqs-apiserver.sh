#!/usr/bin/env bash
# Debian's etcd backs the real kube-apiserver of tests/realcluster (webhook-selection parity).
# Idempotent, and safe to source: no `exit`, no `set` that would leak into the caller's shell.
# openssl makes the test PKI; it is nearly always present already.
if { ! command -v etcd >/dev/null 2>&1 && [ ! -x /usr/bin/etcd ]; } || ! command -v openssl >/dev/null 2>&1; then
    _prereqs_apiserver_sudo=""
    if [ "$(id -u)" != "0" ]; then _prereqs_apiserver_sudo="sudo"; fi
    $_prereqs_apiserver_sudo env DEBIAN_FRONTEND=noninteractive apt-get update &&
        $_prereqs_apiserver_sudo env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y --no-install-recommends etcd-server openssl ||
        echo "prereqs-apiserver: installing etcd-server/openssl failed; the real-apiserver parity tests will skip" >&2
    unset _prereqs_apiserver_sudo
fi
