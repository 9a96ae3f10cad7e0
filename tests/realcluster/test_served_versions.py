"""The versions the simulator says kube-apiserver serves its built-in pod-bearing kinds at are the real
kube-apiserver's discovery: each kind at exactly that group/version among Kubernetes' own groups."""
from simulator.kube.creatable import BUILTIN_GROUPS, SERVED


def _served(real, group_version):
    path = "/api/v1" if group_version == "v1" else "/apis/" + group_version
    status, body = real.cluster.request("GET", path)
    if status == 404:
        return set()
    assert status == 200, (path, status, body)
    return {r["kind"] for r in body.get("resources", []) if "/" not in r["name"]}


def test_each_kind_is_served_at_its_version_and_no_other(real_apiserver):
    status, groups = real_apiserver.cluster.request("GET", "/apis")
    assert status == 200, groups
    versions = ["v1"] + [v["groupVersion"] for g in groups["groups"] if g["name"] in BUILTIN_GROUPS
                         for v in g["versions"]]
    served = {gv: _served(real_apiserver, gv) for gv in versions}
    for kind, gv in SERVED.items():
        assert kind in served[gv], f"{kind} is not served at {gv}"
        assert [v for v in versions if v != gv and kind in served[v]] == [], kind
    assert "extensions" not in {g["name"] for g in groups["groups"]}   # gone since Kubernetes 1.22
