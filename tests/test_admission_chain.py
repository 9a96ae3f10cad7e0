"""simulator.kube.admission against answers recorded from a real kube-apiserver 1.37.1.

tests/data/admission_chain/real-apiserver.json holds, for every case of tests/realcluster/defaults_cases.py,
the object the real apiserver sent its first mutating webhook (or its refusal), recorded by
tests/realcluster/test_defaults_parity.py with KUBECTL_INJECT_RECORD_DEFAULTS=1.  That test re-checks the
same cases live whenever Go and etcd are available; these replay them everywhere, in milliseconds.
"""

import json
from pathlib import Path

import pytest

from simulator.kube.admission.chain import STEPS, prepare_for_webhooks, rejection
from simulator.kube.admission.serviceaccount import TOKEN_VOLUME_PLACEHOLDER, TOKEN_VOLUME_PREFIX
from tests.realcluster import defaults_cases

GOLDEN = Path(__file__).resolve().parent / "data" / "admission_chain" / "real-apiserver.json"
RECORDED = json.loads(GOLDEN.read_text())
BY_ID = {c["id"]: c for c in RECORDED["cases"]}


def test_recording_is_from_the_pinned_apiserver_and_covers_every_case():
    assert RECORDED["recordedFrom"]["gitVersion"] == "v1.37.1"
    live = {c.id: c for c in defaults_cases.cases()}
    assert set(BY_ID) == set(live), "re-record: KUBECTL_INJECT_RECORD_DEFAULTS=1 pytest tests/realcluster -k defaults"
    for cid, case in live.items():
        assert BY_ID[cid]["pod"] == case.pod, "case %s changed since it was recorded" % cid
        assert BY_ID[cid]["cluster_objects"] == defaults_cases.cluster_objects(case, BY_ID[cid]["namespace"])


ACCEPTED = [c["id"] for c in RECORDED["cases"] if c["webhook_object"] is not None]
REFUSED = [c["id"] for c in RECORDED["cases"] if c["webhook_object"] is None]


@pytest.mark.parametrize("cid", ACCEPTED)
def test_pod_as_the_first_webhook_received_it(cid):
    rec = BY_ID[cid]
    pod, records = prepare_for_webhooks(rec["pod"], rec["namespace"], rec["cluster_objects"])
    assert rejection(records) is None
    assert pod == rec["webhook_object"]


@pytest.mark.parametrize("cid", REFUSED)
def test_refusal_before_any_webhook(cid):
    rec = BY_ID[cid]
    _, records = prepare_for_webhooks(rec["pod"], rec["namespace"], rec["cluster_objects"])
    refused = rejection(records)
    assert refused is not None
    assert (refused["code"], refused["message"]) == (rec["status"], rec["message"])
    assert records[-1].plugin == refused["plugin"], "no step runs after a refusal"


@pytest.mark.parametrize("cid", ["bare", "generate-name", "image-pull-policies", "misc-defaults", "limit-range"])
def test_without_cluster_state_a_fresh_cluster_is_assumed(cid):
    rec = BY_ID[cid]
    if rec["cluster_objects"]["LimitRange"]:
        pod, _ = prepare_for_webhooks(rec["pod"], rec["namespace"], {"LimitRange": rec["cluster_objects"]["LimitRange"]})
    else:
        pod, _ = prepare_for_webhooks(rec["pod"], rec["namespace"], None)
    assert pod == rec["webhook_object"]


def test_input_is_not_modified():
    rec = BY_ID["misc-defaults"]
    before = json.dumps(rec["pod"], sort_keys=True)
    prepare_for_webhooks(rec["pod"], rec["namespace"], rec["cluster_objects"])
    assert json.dumps(rec["pod"], sort_keys=True) == before


def test_records_name_every_step_in_order_and_what_it_set():
    rec = BY_ID["bare"]
    pod, records = prepare_for_webhooks(rec["pod"], rec["namespace"], rec["cluster_objects"])
    assert [r.plugin for r in records] == list(STEPS)
    by_plugin = {r.plugin: r for r in records}
    assert "spec.serviceAccountName" in by_plugin["ServiceAccount"].changed
    assert "spec.volumes[%s]" % TOKEN_VOLUME_PLACEHOLDER in by_plugin["ServiceAccount"].changed
    assert "spec.containers[app].imagePullPolicy" in by_plugin["Defaulting"].changed
    assert by_plugin["LimitRanger"].changed == () and by_plugin["LimitRanger"].skipped
    assert by_plugin["Priority"].changed == ("spec.priority", "spec.preemptionPolicy")
    assert [v["name"] for v in pod["spec"]["volumes"]] == [TOKEN_VOLUME_PLACEHOLDER]


def test_placeholder_cannot_collide_with_a_generated_name():
    # utilrand.String draws from "bcdfghjklmnpqrstvwxz2456789"; the placeholder uses characters outside it.
    suffix = TOKEN_VOLUME_PLACEHOLDER[len(TOKEN_VOLUME_PREFIX):]
    assert len(suffix) == 5 and not set(suffix) <= set("bcdfghjklmnpqrstvwxz2456789")


def test_assumptions_are_reported_when_the_state_does_not_say():
    rec = BY_ID["user-priority-class"]
    pod, records = prepare_for_webhooks(rec["pod"], rec["namespace"], None)
    by_plugin = {r.plugin: r for r in records}
    assert by_plugin["ServiceAccount"].notes and by_plugin["Priority"].notes
    assert "priority" not in pod["spec"], "an unknown class's value is not guessed"
