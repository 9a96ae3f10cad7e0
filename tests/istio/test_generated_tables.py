"""The generated tables in simulator/istio are what reflection over the real Go types gives today.

simulator/istio/proto_schema.py (istio.io/api MeshConfig/ProxyConfig descriptors; proto_schema_1_31.py is a
delta over it, which the generator checks rebuilds the 1.31 table exactly) and workload_schema.py (k8s.io/api
and openshift/api workload types) are derived by small Go programs under tests/istio; this re-runs them and
compares.  Needs Go and the Go module proxy; skipped with the reason otherwise.
"""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.mark.parametrize("generator", ["gen_proto_schema.py", "gen_workload_schema.py", "gen_webhook_schema.py"])
def test_generated_table_is_current(generator):
    if shutil.which("go") is None:
        pytest.skip("Go is not installed, so the table cannot be regenerated from the real Go types")
    proc = subprocess.run([sys.executable, str(HERE / generator), "--check"], capture_output=True, text=True,
                          timeout=900, cwd=HERE.parent.parent)
    if proc.returncode != 0 and "Traceback" in proc.stderr and "CalledProcessError" in proc.stderr:
        pytest.skip("the Go generator could not run here (module download?): %s" % proc.stderr.strip()[-300:])
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_1_31_table_is_the_base_table_plus_what_istio_api_1_31_added():
    """proto_schema_1_31.py is stored as a delta over proto_schema.py.  Rebuilt, the 1.31 table must keep every
    base field in its declaration order (jsonpb writes in that order) and add the fields 1.31 introduced, which
    change what a 1.31 line keeps from the same mesh config.  Needs no Go: it reads the stored tables."""
    from simulator.istio.proto_schemas import BASE, schema_for
    from simulator.istio.release import release_for

    later = schema_for(release_for("1.31.1"))
    assert later is not BASE and schema_for(release_for("1.30.3")) is BASE
    assert set(BASE.messages) <= set(later.messages) and set(BASE.enums) <= set(later.enums)
    for name, rows in BASE.messages.items():
        kept = [row for row in later.messages[name] if row in rows]
        assert kept == list(rows), name
    added = {(name, row[1]) for name, rows in later.messages.items() for row in rows
             if row not in BASE.messages.get(name, ())}
    assert {("istio.mesh.v1alpha1.ProxyConfig", "connectionSettings"),
            ("istio.mesh.v1alpha1.MeshConfig", "zoneAwareLbSetting"),
            ("istio.mesh.v1alpha1.MeshConfig", "defaultTrafficPolicy"),
            ("istio.mesh.v1alpha1.MeshConfig", "serviceEntryVisibility")} <= added
