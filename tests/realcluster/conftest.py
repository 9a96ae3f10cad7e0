"""Session fixture: one real kube-apiserver (plus etcd and the recording webhook) for all parity tests.

Without Go or etcd, or when the build fails, the tests skip and say which piece is missing.
"""

import pytest

from . import apiserver, certs, realside, recorder


@pytest.fixture(scope="session")
def real_apiserver():
    try:
        etcd = apiserver.etcd_binary()
        binary = apiserver.apiserver_binary()
        cluster = apiserver.Cluster(binary, etcd).start()
    except (apiserver.Unavailable, certs.PKIError) as e:
        pytest.skip(str(e))
    rec = None
    try:
        rec = recorder.Recorder(cluster.pki["webhook_cert"], cluster.pki["webhook_key"], cluster.pki["ca_cert"])
        yield realside.RealSide(cluster, rec)
    finally:
        if rec is not None:
            rec.close()
        cluster.stop()
