"""Shared fixtures: ../shared (located by tests/paths.py) and an in-process CLI runner."""
import atexit
import io
import os
import shutil
import tempfile
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, settings

from tests import paths

# Property tests run on 2 shared cores: a slow draw or a slow example is the machine's load, not a bug, so
# hypothesis' timing checks are off unless a test sets its own.
settings.register_profile("kubectl-inject", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("kubectl-inject")

REPO = str(paths.REPO)


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/* from the current output")
    parser.addoption("--update-oracle-goldens", action="store_true",
                     help="rewrite the recorded Go oracle answers (tests/*/golden/*.json) from Go; needs Go")


@dataclass
class Run:
    status: int
    stdout: str
    stderr: str


# The plugin goes live when a kubeconfig names a cluster. In-process runs get an environ without KUBECONFIG and
# HOME (run_cli below), which means "no kubeconfig"; programs the tests start inherit os.environ, so it must
# not lead to the developer's ~/.kube/config or a pod's service account either: $KUBECONFIG names a file that
# does not exist (kubectl skips those; /dev/null is not always a device on shared machines). The live tests
# (tests/live) name their own clusters.
#: Parse trees the in-process CLI caches (plugin/runtime/treecache.py) go here, not into the user's ~/.cache.
TREE_CACHE = tempfile.mkdtemp(prefix="kubectl-inject-test-trees-")
atexit.register(shutil.rmtree, TREE_CACHE, True)
NO_KUBECONFIG = os.path.join(TREE_CACHE, "no-kubeconfig")
os.environ["KUBECONFIG"] = NO_KUBECONFIG
for _var in ("KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT"):
    os.environ.pop(_var, None)


def run_cli(*argv, stdin="", environ=None, tty=False):
    from plugin.cli import main
    from plugin.env import Environment

    out, err = io.StringIO(), io.StringIO()
    environ = {"KUBECTL_INJECT_CACHE_DIR": TREE_CACHE} if environ is None else environ
    env = Environment(stdin=io.StringIO(stdin), stdout=out, stderr=err, environ=environ, stdout_isatty=tty)
    status = main(list(argv), env)
    return Run(int(status), out.getvalue(), err.getvalue())


@pytest.fixture
def cli():
    return run_cli


# --- test tiers -------------------------------------------------------------------------------------------
# The markers are registered in setup.cfg; they are given here, from what a test uses, so that no test has to
# carry them.  Which fixture (anywhere in a test's fixture closure) or which file means what:

#: Fixtures that ask one of the small Go oracles (tests/gotemplate/oracle, tests/merge/oracle,
#: tests/yamlio/oracle), live or through the answers recorded in tests/*/golden/.
ORACLE_FIXTURES = {"oracle", "oracle_path", "go_results", "merge_oracle", "yaml_oracle", "hand_answers",
                   "battery_answers", "wrapping_answers", "json_text_answers", "corpus_answers", "stream_answers",
                   "folded_answer", "seeded_digests"}
#: Fixtures that need a real istioctl (tests/oracles/istioctl.py).
ISTIOCTL_FIXTURES = {"istioctl_1_30_3", "istioctl_1_24_6", "istioctl_for"}
#: Fixtures that need ../shared.
SHARED_FIXTURES = {"shared_dir"}

#: Node-id prefixes with markers fixtures cannot tell: whole files, or tests that reach a program directly.
TIERS = {
    "tests/oracles/": ("istioctl",),
    "tests/istio/test_chart.py::test_same_as_istioctl_manifest_generate": ("istioctl",),
    "tests/istio/test_chart.py::test_webhook_configurations_same_as_istioctl_manifest_generate": ("istioctl",),
    "tests/istio/test_generated_tables.py": ("oracle", "slow"),
    "tests/realcluster/": ("realcluster",),
    "tests/live/": ("live",),
    # ../shared: the acceptance cases, Istio 1.30.3's goldens and its chart.
    "tests/test_acceptance_cases.py": ("shared",),
    "tests/test_golden_text.py::test_text_output[annotation-opt-out]": ("shared",),
    "tests/test_golden_text.py::test_text_output[never-inject-selector]": ("shared",),
    "tests/realcluster/test_webhook_selection_parity.py::test_webhook_selection_matches_real_apiserver[case]":
        ("shared",),
    "tests/istio/test_goldens.py": ("shared", "istioctl"),
    **{"tests/oracles/test_istioctl_oracle.py::" + name: ("shared",) for name in (
        "test_every_default_case_injects", "test_default_corpus_matches_golden", "test_settings_corpus_matches_golden",
        "test_invalid_annotations_are_rejected", "test_host_network_skip_is_reported",
        "test_corpus_case_table_covers_every_golden")},
    **{"tests/istio/test_chart.py::" + name: ("shared",) for name in (
        "test_kube_inject_golden_with_chart_config", "test_webhook_golden_with_chart_config",
        "test_golden_table_mostly_expressible", "test_overrides_reach_values_config_and_mesh",
        "test_profile_file_applies_and_unknown_profile_is_refused", "test_omitted_configmap_is_none",
        "test_release_layout_and_bare_chart", "test_release_version", "test_a_revision_release_brings_its_own_webhooks")},
    **{"tests/test_engine_state.py::" + name: ("shared",) for name in (
        "test_one_cache_across_many_states_answers_as_fresh_caches_do", "test_the_cache_stays_within_its_bound",
        "test_two_threads_with_one_cache_answer_as_one_thread_does")},
    "tests/istio/test_kube_inject_errors.py::test_pod_output_fails_where_kube_inject_refuses_what_the_webhook_injects":
        ("shared",),
    "tests/test_json_contract.py::test_every_json_and_yaml_output_satisfies_the_contract[shared case": ("shared",),
    # Seconds each, in a warm run on 2 cores: subprocesses, worker pools, thousands of Go answers.
    "tests/test_bulk.py": ("slow",),
    "tests/test_startup.py": ("slow",),
    "tests/test_html_browser.py": ("slow",),      # headless Chromium: seconds per page
    "tests/test_cli.py::test_istio_release_chart_with_set": ("slow",),
    "tests/yamlio/test_yamlout.py::test_random_documents_match_go": ("slow",),
    "tests/merge/test_typed.py::test_istio_corpus_roundtrips_like_go": ("slow",),
}
#: Files whose tests take a pinned release's chart (from ../shared) as this parameter.
CHART_PARAMETERS = {"tests/istio/test_chart.py::": "version", "tests/istio/test_policy_lines.py::": "line"}
#: Tiers that are slow by nature: a cold build takes minutes, a warm run still starts real programs.
SLOW_TIERS = ("istioctl", "realcluster", "live")


def pytest_collection_modifyitems(config, items):
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        marks = set()
        if names & ORACLE_FIXTURES:
            marks.add("oracle")
        if names & ISTIOCTL_FIXTURES:
            marks.add("istioctl")
        if names & SHARED_FIXTURES:
            marks.add("shared")
        if "real_apiserver" in names:
            marks.add("realcluster")
        callspec = getattr(item, "callspec", None)
        for prefix, param in CHART_PARAMETERS.items():
            if (item.nodeid.startswith(prefix) and callspec is not None
                    and callspec.params.get(param) in paths.SHARED_RELEASES):
                marks.add("shared")      # the chart of a pinned release
        for prefix, tier in TIERS.items():
            if item.nodeid.startswith(prefix):
                marks.update(tier)
        if hasattr(getattr(item, "obj", None), "hypothesis"):
            marks.add("slow")        # property tests: hundreds of generated examples each
        if marks & set(SLOW_TIERS):
            marks.add("slow")
        for mark in sorted(marks):
            item.add_marker(mark)


@pytest.fixture(scope="session")
def shared_dir():
    return str(paths.require(paths.shared))
