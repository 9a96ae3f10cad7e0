"""The real kube-apiserver refuses every object of tests/creation_cases.py's REFUSED (server-side dry run)
naming the same field, and accepts those of ACCEPTED: the offline refusals are the API server's."""
import pytest

from tests.creation_cases import ACCEPTED, REFUSED

_PATHS = {"Pod": "/api/v1/namespaces/%s/pods", "Deployment": "/apis/apps/v1/namespaces/%s/deployments",
          "StatefulSet": "/apis/apps/v1/namespaces/%s/statefulsets", "CronJob": "/apis/batch/v1/namespaces/%s/cronjobs"}


def _create(real, obj):
    namespace = real.resolve_namespaces({"creation-refusals": {}})["creation-refusals"]
    ns = (obj.get("metadata") or {}).get("namespace")
    return real.cluster.request("POST", _PATHS[obj["kind"]] % (ns if isinstance(ns, str) else namespace), obj,
                                {"dryRun": "All"})


@pytest.mark.parametrize("name,obj,field,message", REFUSED, ids=[r[0] for r in REFUSED])
def test_the_real_apiserver_refuses_it_naming_the_field(real_apiserver, name, obj, field, message):
    status, body = _create(real_apiserver, obj)
    assert status in (400, 404, 422), (status, body)
    text = body.get("message", "") if isinstance(body, dict) else str(body)
    assert field.split(".")[-1] in text or status == 404, text


@pytest.mark.parametrize("name,obj", ACCEPTED, ids=[r[0] for r in ACCEPTED])
def test_the_real_apiserver_accepts_it(real_apiserver, name, obj):
    status, body = _create(real_apiserver, obj)
    assert status == 201, body
