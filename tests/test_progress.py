"""Progress on stderr for long runs (plugin/printers/progress.py): drawn only when stderr is a terminal, one line
rewritten in place and erased at the end, so stdout is the same with or without it and a pipe gets nothing;
through `explain` (in-process and with forked workers), `status` (against tests/fakeapi.py) and apply's wait."""
import contextlib
import copy
import io
import json
import threading
import time

import pytest

from plugin.printers import progress as progress_mod
from plugin.printers.progress import ERASE, NO_PROGRESS, Progress, for_env
from tests.conftest import TREE_CACHE


class Terminal(io.StringIO):
    """What a test can hold as a terminal: a stream that says it is one."""

    def isatty(self):
        return True


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def _env(stderr, environ=None):
    from plugin.env import Environment

    return Environment(stdin=io.StringIO(""), stdout=io.StringIO(), stderr=stderr,
                       environ=dict({"KUBECTL_INJECT_CACHE_DIR": TREE_CACHE}, **(environ or {})), stdout_isatty=False)


def test_only_a_terminal_gets_progress():
    assert for_env(_env(io.StringIO())) is NO_PROGRESS                       # a pipe or a file
    assert for_env(_env(Terminal(), {"TERM": "dumb"})) is NO_PROGRESS        # cannot erase a line
    assert for_env(_env(Terminal(), {"KUBECTL_INJECT_PROGRESS": "0"})) is NO_PROGRESS
    assert isinstance(for_env(_env(Terminal(), {"NO_COLOR": "1"})), Progress)   # colour is another matter


def test_line_is_late_throttled_cut_to_the_width_and_erased():
    out, clock = Terminal(), Clock()
    p = Progress(out, clock=clock, columns=20, interval=0.125, delay=0.5)
    counter = p.counter("explaining", 5000)
    counter.add()
    assert out.getvalue() == "", "nothing in the first half second: a short run never flashes a line"
    clock.now += 0.6
    counter.add()
    assert out.getvalue() == "\rexplaining 2/5,000 \x1b[K"      # 19 columns: the line never wraps
    clock.now += 0.05
    counter.add()
    assert out.getvalue().count("\r") == 1, "at most one drawing per interval"
    clock.now += 0.5
    counter.add()
    p.columns = 80
    clock.now += 0.2
    counter.add()
    assert out.getvalue().endswith("\rexplaining 5/5,000 objects (4/s)\x1b[K")
    counter.done()
    assert out.getvalue().endswith(ERASE) and not p.shown
    counter.done()
    assert out.getvalue().count(ERASE) == 1, "erased once; nothing written when no line is shown"


def test_messages_erase_the_line_first():
    term, clock = Terminal(), Clock()
    p = Progress(term, clock=clock, columns=80, delay=0)
    env = p.attach(_env(term))
    p.show("listing pods: 500")
    env.stderr.write("warning: something\n")
    assert term.getvalue() == "\rlisting pods: 500\x1b[K" + ERASE + "warning: something\n"
    assert env.stdout is not None and not hasattr(env.stdout, "_progress"), "stdout is a pipe here: left alone"


def test_waiting_redraws_the_elapsed_time_and_leaves_no_thread(monkeypatch):
    monkeypatch.setattr(progress_mod, "TICK", 0.05)
    term, clock = Terminal(), Clock()
    p = Progress(term, clock=clock, columns=80, delay=0)
    threads = threading.active_count()
    with p.waiting("waiting for deployment.apps/web's first pod", 60):
        clock.now += 12
        time.sleep(0.3)
    text = term.getvalue()
    assert "\rwaiting for deployment.apps/web's first pod: 12s (up to 60s)\x1b[K" in text
    assert text.endswith(ERASE)
    assert threading.active_count() == threads
    with NO_PROGRESS.waiting("waiting", 60):
        assert threading.active_count() == threads, "no thread when there is nothing to draw"


@pytest.fixture
def eager(monkeypatch):
    """Draw at every update: the runs below are shorter than the half second a real one waits."""
    monkeypatch.setattr(progress_mod, "DELAY", 0.0)
    monkeypatch.setattr(progress_mod, "INTERVAL", 0.0)
    monkeypatch.setattr(progress_mod, "TICK", 0.05)


def _manifests(count):
    docs = [{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": f"web-{i}", "namespace": "mesh"},
             "spec": {"selector": {"matchLabels": {"app": f"web-{i}"}},
                      "template": {"metadata": {"labels": {"app": f"web-{i}"}},
                                   "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}}
            for i in range(count)]
    return "\n---\n".join(json.dumps(d) for d in docs)


def _explain(stderr, stdin, environ=None):
    from plugin.cli import main

    env = _env(stderr, environ)
    env = env.replace(stdin=io.StringIO(stdin))
    status = main(["explain", "-f", "-", "-o", "json"], env)
    return status, env.stdout.getvalue()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_explain_counts_objects_on_a_terminal_and_nothing_in_a_pipe(eager, workers):
    count = 120 if workers == "2" else 12             # 120: enough for forked workers (bulk.MIN_PARALLEL)
    manifests = _manifests(count)
    environ = {"KUBECTL_INJECT_WORKERS": workers}
    term, pipe = Terminal(), io.StringIO()
    on_terminal = _explain(term, manifests, environ)
    in_pipe = _explain(pipe, manifests, environ)
    assert on_terminal == in_pipe and on_terminal[0] == 0, "stdout and status are the same either way"
    assert pipe.getvalue() == "", "a pipe gets no progress"
    drawn = term.getvalue()
    assert f"\rexplaining 1/{count:,} objects\x1b[K" in drawn or workers == "2"
    assert f"\rexplaining {count:,}/{count:,} objects" in drawn, drawn[-300:]
    assert drawn.endswith(ERASE)


@contextlib.contextmanager
def _fake_cluster(tmp_path, pod_names):
    """tests/fakeapi.py serving the embedded default cluster's objects and bare pods in `mesh`: its kubeconfig."""
    from plugin.state.sources import load_default
    from tests.fakeapi import FakeAPI, connection

    plurals = {"Namespace": "namespaces", "MutatingWebhookConfiguration": "mutatingwebhookconfigurations",
               "ConfigMap": "configmaps"}
    api = FakeAPI()
    try:
        for doc in load_default():
            api.put(plurals[doc.obj["kind"]], copy.deepcopy(doc.obj))
        for i, name in enumerate(pod_names):
            api.put("pods", {"apiVersion": "v1", "kind": "Pod",
                             "metadata": {"name": name, "namespace": "mesh", "uid": f"u{i}"},
                             "spec": {"containers": [{"name": "app", "image": "nginx"}]}})
        kubeconfig = tmp_path / "kubeconfig"
        kubeconfig.write_text(json.dumps(connection(api, "mesh").config))
        yield kubeconfig
    finally:
        api.stop()


def test_status_shows_its_stages_and_stdout_is_unchanged(eager, tmp_path):
    pytest.importorskip("kubernetes", reason="status talks through the kubernetes package's connection pool")
    from plugin.cli import main

    with _fake_cluster(tmp_path, [f"solo-{i}" for i in range(3)]) as kubeconfig:
        runs = []
        for stderr in (Terminal(), io.StringIO()):
            env = _env(stderr, {"KUBECONFIG": str(kubeconfig)})
            runs.append((main(["status", "-n", "mesh"], env), env.stdout.getvalue(), stderr.getvalue()))
    (status, out, drawn), (piped_status, piped_out, piped_err) = runs
    assert (status, out) == (piped_status, piped_out) and "solo-0" in out, out
    assert "\r" not in piped_err and "listing" not in piped_err
    assert "\rlisting pods: 3\x1b[K" in drawn
    assert "\rgrouping 3 pods into workloads\x1b[K" in drawn
    assert "\rpredicting 3/3 workloads" in drawn
    assert drawn.endswith(ERASE)


class _SlowEvents:
    """A client whose watch of Events blocks a while (a controller making its pod), then reports it."""

    def watch_events(self, resource, namespace, since, timeout):
        time.sleep(0.3)
        yield {"type": "ADDED", "object": {"metadata": {"resourceVersion": "11"}, "reason": "SuccessfulCreate",
                                           "message": "Created pod: web-x2k9q",
                                           "involvedObject": {"kind": "Deployment", "name": "web"}}}

    def get(self, resource, name, namespace):
        return {"kind": "Pod", "metadata": {"name": name, "namespace": namespace}}


def test_apply_shows_the_wait_for_a_workloads_first_pod(eager):
    from plugin.kube import resources
    from plugin.workloads.applying import Applier, _Target

    deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "inj"}}
    target = _Target(None, deployment, resources.DEPLOYMENTS, "inj")
    seen = {}
    for stderr in (Terminal(), io.StringIO()):
        env = _env(stderr)
        progress = for_env(env)
        applier = Applier(_SlowEvents(), None, progress.attach(env), False, 60.0, None, "kubectl-inject")
        applier.progress = progress
        observation = applier._observe(target, {}, deployment, "10")
        assert observation.pod["metadata"]["name"] == "web-x2k9q" and observation.via == "controller"
        seen[type(stderr)] = stderr.getvalue()
    assert "\rwaiting for deployment.apps/web's first pod: 0s (up to 60s)\x1b[K" in seen[Terminal]
    assert seen[Terminal].endswith(ERASE)
    assert seen[io.StringIO] == ""


def test_request_log_lines_erase_the_line_too(eager, tmp_path):
    """-v 6 writes each request to stderr while the line is up: each is written on a clean line."""
    pytest.importorskip("kubernetes", reason="status talks through the kubernetes package's connection pool")
    from plugin.cli import main
    from tests.fakeapi import FakeAPI, connection

    api = FakeAPI()
    try:
        api.put("pods", {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "solo", "namespace": "mesh", "uid": "u"},
                         "spec": {"containers": [{"name": "app", "image": "nginx"}]}})
        kubeconfig = tmp_path / "kubeconfig"
        kubeconfig.write_text(json.dumps(connection(api, "mesh").config))
        term = Terminal()
        main(["status", "-n", "mesh", "-v", "6"], _env(term, {"KUBECONFIG": str(kubeconfig)}))
    finally:
        api.stop()
    text = term.getvalue()
    assert "\rlisting pods: 1\x1b[K" in text
    starts = [i for i in range(len(text)) if text.startswith("I GET ", i)]
    assert len(starts) >= 5
    for i in starts:     # at the start of a line, or just after the progress line was erased
        assert i == 0 or text[i - 1] == "\n" or text[:i].endswith(ERASE), repr(text[max(0, i - 60):i + 20])
    assert "\x1b[KI GET" not in text.replace(ERASE + "I GET", "")


def _stderr_on_a_pty(argv, environ):
    """Run `argv` with stderr on a real pseudo-terminal and stdout on a pipe: (status, stdout, what the terminal got)."""
    import os
    import pty
    import subprocess

    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL, env=environ)
    os.close(slave)
    got = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:      # EIO: the child closed the terminal
            break
        if not chunk:
            break
        got += chunk
    out = proc.stdout.read()
    proc.wait(timeout=120)
    os.close(master)
    return proc.returncode, out, got.decode()


@pytest.mark.slow
def test_a_real_terminal_gets_the_line_and_a_pipe_does_not(tmp_path):
    """Through the installed entry point (`kubectl-inject`, python -S) in its own process: stderr on a real
    pseudo-terminal shows status's stages (the grouping stage is drawn at once, whatever the speed) and ends
    erased; with stderr on a pipe nothing is written there; stdout is byte-for-byte the same."""
    pytest.importorskip("kubernetes", reason="status talks through the kubernetes package's connection pool")
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    with _fake_cluster(tmp_path, ["solo"]) as kubeconfig:
        environ = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "KUBECONFIG": str(kubeconfig),
                   "KUBECTL_INJECT_PYTHON": sys.executable, "TERM": "xterm", "KUBECTL_INJECT_CACHE_DIR": TREE_CACHE}
        argv = [os.path.join(REPO, "kubectl-inject"), "status", "-n", "mesh"]
        status, out, terminal = _stderr_on_a_pty(argv, environ)
        piped = subprocess.run(argv, capture_output=True, env=environ, stdin=subprocess.DEVNULL, timeout=120)
    assert (status, out) == (piped.returncode, piped.stdout) and b"pod/solo" in out, out
    assert piped.stderr == b""
    assert "\rgrouping 1 pod into workloads\x1b[K" in terminal, repr(terminal)
    assert terminal.endswith(ERASE)
