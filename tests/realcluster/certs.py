"""A throw-away PKI made with the `openssl` command line, so the tests need no extra Python package.

One CA signs the serving certificates of both the apiserver and the recording webhook server; the CA's PEM is
what the webhook configurations carry as caBundle, so the apiserver verifies the recorder exactly as it would
verify a production webhook.
"""

import shutil
import subprocess
from pathlib import Path


class PKIError(Exception):
    pass


def _openssl(*args, cwd):
    exe = shutil.which("openssl")
    if exe is None:
        raise PKIError("the openssl command is needed to make test certificates and was not found")
    proc = subprocess.run([exe, *args], cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise PKIError("openssl %s failed: %s" % (args[0], proc.stderr[-2000:]))


def _leaf(d, name, cn, ips, dns):
    san = ",".join(["IP:%s" % ip for ip in ips] + ["DNS:%s" % n for n in dns])
    ext = d / ("%s.ext" % name)
    ext.write_text("basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                   "extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=%s\n" % san)
    _openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "%s.key" % name, "-out", "%s.csr" % name,
             "-subj", "/CN=%s" % cn, cwd=d)
    _openssl("x509", "-req", "-in", "%s.csr" % name, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
             "-days", "2", "-sha256", "-extfile", ext.name, "-out", "%s.crt" % name, cwd=d)
    return str(d / ("%s.crt" % name)), str(d / ("%s.key" % name))


def make_pki(directory, ips, dns):
    """Paths of a CA, a serving pair for the apiserver, one for the webhook recorder, and an SA key pair."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
             "-subj", "/CN=kubectl-inject-parity-ca", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)
    server_cert, server_key = _leaf(d, "apiserver", "kube-apiserver", ips, dns)
    webhook_cert, webhook_key = _leaf(d, "webhook", "parity-webhook-recorder", ips, dns)
    _openssl("genrsa", "-out", "sa.key", "2048", cwd=d)
    _openssl("rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub", cwd=d)
    return {
        "ca_cert": str(d / "ca.crt"),
        "server_cert": server_cert, "server_key": server_key,
        "webhook_cert": webhook_cert, "webhook_key": webhook_key,
        "sa_key": str(d / "sa.key"), "sa_pub": str(d / "sa.pub"),
    }
