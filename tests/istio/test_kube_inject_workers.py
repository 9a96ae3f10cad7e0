"""`-o kube-inject` reads a large file in batches of documents, each spread over forked workers
(plugin/runtime/bulk.py in_order): the bytes on stdout and stderr, the exit status and where istioctl would
stop must be those of one process, and what it holds must not grow with the file.
Istio 1.30.3's chart from ../shared is the configuration; without it these skip and say so."""
import pytest
import yaml

from plugin.runtime import bulk
from tests import paths
from tests.conftest import TREE_CACHE, run_cli

COUNT = 240


def _chart_or_skip():
    try:
        return str(paths.istio_chart("1.30.3"))
    except paths.Missing as e:
        pytest.skip(str(e))


def _deployment(i, host_network=False):
    spec = {"containers": [{"name": "app", "image": f"example/app:{i % 7}",
                            "ports": [{"containerPort": 8000 + i % 50}],
                            "env": [{"name": "INDEX", "value": str(i)}]}]}
    if host_network:
        spec["hostNetwork"] = True
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": f"app-{i}", "labels": {"app": f"app-{i}"}},
            "spec": {"selector": {"matchLabels": {"app": f"app-{i}"}},
                     "template": {"metadata": {"labels": {"app": f"app-{i}", "version": f"v{i % 3}"},
                                               "annotations": {"sidecar.istio.io/proxyCPU": f"{100 + i}m"}},
                                  "spec": spec}}}


def _file(tmp_path, broken_at=None):
    """COUNT documents: Deployments, every 17th a Service written with a comment and a flow mapping (kept
    byte for byte), every 23rd a Deployment on the host network (skipped, with a warning), every 31st a
    comments-only chunk; at `broken_at`, a document that is not YAML."""
    docs = []
    for i in range(COUNT):
        if i == broken_at:
            docs.append("kind: Deployment\nmetadata: {name: [unclosed\n")
        elif i % 31 == 5:
            docs.append(f"# chunk {i}: only a comment\n")
        elif i % 17 == 3:
            docs.append(f"# service {i}\napiVersion: v1\nkind: Service\nmetadata: {{name: svc-{i}}}\n"
                        f"spec: {{ports: [{{port: 80}}]}}\n")
        else:
            docs.append(yaml.safe_dump(_deployment(i, host_network=i % 23 == 7), sort_keys=False))
    path = tmp_path / "fleet.yaml"
    path.write_text("---\n".join(docs))
    return str(path)


def _run(path, chart, workers):
    return run_cli("explain", "-f", path, "--istio-release", chart, "-o", "kube-inject",
                   environ={"KUBECTL_INJECT_CACHE_DIR": TREE_CACHE, "KUBECTL_INJECT_WORKERS": str(workers)})


@pytest.fixture
def forks(monkeypatch):
    """The number of times the documents went to forked workers (so a pass is not one process twice)."""
    if not bulk.can_fork():
        pytest.skip("this test process has other threads, so the plugin would not fork (runtime/bulk.py)")
    calls = []
    real = bulk._forked

    def counting(*args, **kwargs):
        calls.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(bulk, "_forked", counting)
    return calls


@pytest.mark.parametrize("batch", [1024, 100], ids=["one batch", "batches of 100"])
def test_workers_print_what_one_process_prints(tmp_path, forks, monkeypatch, batch):
    from plugin.printers import manual

    monkeypatch.setattr(manual, "BATCH", batch)
    chart = _chart_or_skip()
    path = _file(tmp_path)
    one = _run(path, chart, 1)
    assert forks == []
    two = _run(path, chart, 2)
    assert forks == [2] * (COUNT // batch if COUNT > batch else 1)   # a last batch under 96 stays in-process
    assert (two.status, two.stdout, two.stderr) == (one.status, one.stdout, one.stderr)
    assert one.status == 0, one.stderr
    out = [d for d in yaml.safe_load_all(one.stdout) if d]
    injected = [d for d in out if d["kind"] == "Deployment" and not d["spec"]["template"]["spec"].get("hostNetwork")]
    assert injected and all("istio-proxy" in [c["name"] for c in d["spec"]["template"]["spec"]["containers"]
                                              + d["spec"]["template"]["spec"].get("initContainers", [])]
                            for d in injected)
    assert [d["metadata"]["name"] for d in out] == [      # every document, in input order
        f"svc-{i}" if i % 17 == 3 else f"app-{i}" for i in range(COUNT) if i % 31 != 5]
    skipped = [line for line in one.stderr.splitlines() if line.startswith("===> Skipping")]
    assert skipped == [f'===> Skipping injection because Deployment "app-{i}" has host networking enabled'
                       for i in range(COUNT) if i % 23 == 7 and i % 31 != 5 and i % 17 != 3]
    assert "# service 3\napiVersion: v1\nkind: Service\nmetadata: {name: svc-3}\n" in one.stdout


@pytest.mark.parametrize("batch", [1024, 100], ids=["one batch", "batches of 100"])
def test_workers_stop_where_istioctl_stops(tmp_path, forks, monkeypatch, batch):
    from plugin.printers import manual

    monkeypatch.setattr(manual, "BATCH", batch)
    chart = _chart_or_skip()
    broken = 150
    path = _file(tmp_path, broken_at=broken)
    one = _run(path, chart, 1)
    two = _run(path, chart, 2)
    assert forks == [2] * (2 if batch == 100 else 1)        # nothing read after the batch with the error
    assert (two.status, two.stdout, two.stderr) == (one.status, one.stdout, one.stderr)
    assert one.status == 2
    stops = [line for line in one.stderr.splitlines() if "istioctl kube-inject stops here" in line]
    assert len(stops) == 1 and stops[0].startswith(f"error: {path}: istioctl kube-inject stops here: ")
    names = [d["metadata"]["name"] for d in yaml.safe_load_all(one.stdout) if d]
    assert names[-1] == f"app-{broken - 1}" and f"app-{broken + 1}" not in names


def test_memory_does_not_grow_with_the_file(tmp_path, monkeypatch):
    """Python allocations at the peak (one process, stdout written out) for N and 4N documents: holding the
    file or its outputs would add ~20 kB per document.  The engine's bounded caches are made small, so
    that both runs fill them (filled, they hold up to ~60 MB whatever the input)."""
    import io
    import tracemalloc

    from plugin.cli import main
    from plugin.env import Environment
    from plugin.printers import manual
    from simulator.cache import EngineCache
    from simulator.kube.typed import roundtrip

    monkeypatch.setattr(manual, "BATCH", 32)
    monkeypatch.setattr(EngineCache.__init__, "__defaults__", (16, None))
    monkeypatch.setattr(roundtrip, "_MEMO_BYTES", 64 << 10)
    chart = _chart_or_skip()

    class Sink(io.TextIOBase):
        def write(self, text):
            return len(text)

    peaks = []
    for n in (60, 240):
        path = tmp_path / f"{n}.yaml"
        path.write_text("---\n".join(yaml.safe_dump(_deployment(i)) for i in range(n)))
        err = io.StringIO()
        run_cli("explain", "-f", str(path), "--istio-release", chart, "-o", "kube-inject")   # compiled once
        tracemalloc.start()
        try:
            status = main(["explain", "-f", str(path), "--istio-release", chart, "-o", "kube-inject"],
                          Environment(stdin=io.StringIO(""), stdout=Sink(), stderr=err,
                                      environ={"KUBECTL_INJECT_CACHE_DIR": TREE_CACHE, "KUBECTL_INJECT_WORKERS": "1"},
                                      stdout_isatty=False))
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        assert status == 0, err.getvalue()
    assert peaks[1] - peaks[0] < 180 * 3000, peaks
