"""Streaming (issue 10, section 4): `explain -o json`, `-o text`, `-o patch` and `-o pod` read their input in
pieces and write each piece's output before the next is read, so memory does not grow with the number of
objects; the result is the one reading the whole input gives (for -o pod, every document's text as written
too).  The input's Namespaces, wherever they are, are found by a first pass; pipes are copied to a private
file first.  Inputs that must be read whole (a `%YAML` directive, not UTF-8; for -o pod, a `---` line with
content or a `...` line) are.  Many objects read as a summary."""
from __future__ import annotations

import io
import json
import tracemalloc

import pytest

from tests.conftest import run_cli

QUIET = {"KUBECTL_INJECT_WORKERS": "1", "KUBECTL_INJECT_CACHE": "off"}


def deployment(i: int, namespace: str = "mesh") -> str:
    return (f"---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-{i}\n  namespace: {namespace}\n"
            f"spec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n"
            f"        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n")


BROKEN = ("---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: broken\n  namespace: mesh\n"
          "spec:\n  template:\n    spec:\n      containers: 5\n")


@pytest.fixture
def small_pieces(monkeypatch):
    """Pieces of 4 documents, so that a test's few dozen objects make many pieces."""
    import plugin.inputs

    monkeypatch.setattr(plugin.inputs, "PIECE_DOCS", 4)


def _write(tmp_path, text: str, name: str = "objects.yaml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_pieces_read_each_document_once_with_its_index_and_line(tmp_path, small_pieces):
    from plugin.inputs import iter_sources, read_sources

    path = _write(tmp_path, "# a header\n" + "".join(deployment(i) for i in range(25)) + "---\n---\n")
    pieces = list(iter_sources([path]))
    whole = read_sources([path])
    assert len(pieces) > 4
    streamed = [(d.index, d.line, d.obj) for p in pieces for d in p.documents]
    assert streamed == [(d.index, d.line, d.obj) for d in whole.documents]
    assert [i for i, _, _ in streamed] == list(range(25))


def test_small_input_is_one_piece_as_read_whole(tmp_path):
    """Below PIECE_DOCS the files come as one piece: errors keep the order reading the whole input gives."""
    from plugin.inputs import iter_sources, read_sources

    a = _write(tmp_path, deployment(0) + deployment(1), "a.yaml")
    b = _write(tmp_path, deployment(2) + "---\nkind: [\n", "b.yaml")
    pieces = list(iter_sources([a, b]))
    assert pieces == [read_sources([a, b])]


def test_what_is_streamed_and_what_is_read_whole(tmp_path):
    from plugin.inputs import NAMESPACES, PLAIN, streamable

    plain = _write(tmp_path, deployment(0), "plain.yaml")
    assert streamable([plain]) == PLAIN and streamable([str(tmp_path)]) == PLAIN
    for name, text, answer in (
            ("ns.yaml", "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: mesh\n", NAMESPACES),
            ("escape.yaml", 'kind: "Name\\x73pace"\n', NAMESPACES),       # an escape can spell it
            ("binary.yaml", "kind: !!binary TmFtZXNwYWNl\n", NAMESPACES),   # so can base64
            ("directive.yaml", "%YAML 1.1\n---\nkind: Pod\n", None),       # the stream is read as one
            ("latin1.yaml", None, None)):
        path = tmp_path / "more" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(text.encode() if text else b"kind: Pod\nmetadata: {name: caf\xe9}\n")
        assert streamable([plain, str(path)]) == answer, name
        path.unlink()
    assert streamable(["-"], io.StringIO(deployment(0))) is None   # no descriptor to scan beside the stream
    # -o pod matches texts to documents: where kubectl's reader and the YAML parser may cut differently
    for name, text in (("content.yaml", "--- !!map\nkind: Pod\n"), ("dashes.yaml", "kind: Pod\n----\n"),
                       ("end.yaml", "kind: Pod\n...\n")):
        path = tmp_path / name
        path.write_text(text)
        assert streamable([str(path)]) == PLAIN and streamable([str(path)], raw=True) is None, name
    fine = _write(tmp_path, "--- # a comment\nkind: Pod\n---  \r\nkind: Pod\n", "fine.yaml")
    assert streamable([fine], raw=True) == PLAIN


def test_stdin_from_a_file_is_streamed(tmp_path, small_pieces):
    from plugin.inputs import iter_sources, read_sources, streamable

    path = _write(tmp_path, "".join(deployment(i) for i in range(10)))
    with open(path, encoding="utf-8") as fh:
        assert streamable(["-"], fh)
        pieces = list(iter_sources(["-"], fh))
    with open(path, encoding="utf-8") as fh:
        whole = read_sources(["-"], fh)
    assert len(pieces) == 3
    assert [(d.file, d.index, d.line, d.obj) for p in pieces for d in p.documents] == [
        (d.file, d.index, d.line, d.obj) for d in whole.documents]


def test_streamed_output_is_the_whole_inputs_output(tmp_path, monkeypatch, small_pieces):
    """Byte for byte, stdout and stderr, -o json, text and patch, with an error (and its line) in a late piece."""
    import plugin.inputs

    path = _write(tmp_path, "".join(deployment(i) for i in range(21)) + BROKEN + deployment(99))
    outputs = []
    for streamed in (True, False):
        if not streamed:
            monkeypatch.setattr(plugin.inputs, "streamable", lambda *a, **k: None)
        outputs.append([run_cli("explain", "--offline", "-f", path, "-o", fmt, environ=QUIET)
                        for fmt in ("json", "text", "patch")])
    assert outputs[0] == outputs[1]
    json_run = outputs[0][0]
    assert json_run.status == 2 and len(json.loads(json_run.stdout)["items"]) == 22
    assert f"document 21, line {21 * 18 + 10}: field spec.template.spec.containers" in json_run.stderr, json_run.stderr


def test_output_of_a_piece_is_written_before_the_next_is_read(tmp_path, monkeypatch, small_pieces):
    import plugin.inputs

    taken = []
    real = plugin.inputs.iter_sources

    def counted(*a, **k):
        for piece in real(*a, **k):
            taken.append(len(piece.documents))
            yield piece

    monkeypatch.setattr(plugin.inputs, "iter_sources", counted)
    path = _write(tmp_path, "".join(deployment(i) for i in range(20)))
    from plugin.cli import main
    from plugin.env import Environment

    class Recording(io.StringIO):
        def __init__(self):
            super().__init__()
            self.at = []      # pieces taken when each write came

        def write(self, text):
            self.at.append(len(taken))
            return super().write(text)

    out = Recording()
    env = Environment(stdin=io.StringIO(""), stdout=out, stderr=io.StringIO(), environ=QUIET, stdout_isatty=False)
    assert main(["explain", "--offline", "-f", path, "-o", "json"], env) == 0
    assert len(taken) == 5
    assert out.at[0] == 1 and sorted(out.at) == out.at and out.at[-2] == 5   # opening + first piece, then one each
    assert len(json.loads(out.getvalue())["items"]) == 20


NAMESPACE = "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio-injection: enabled\n"


def namespace(name: str, labels: str = "    istio-injection: enabled\n") -> str:
    return f"---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n  labels:\n{labels}"


def _streamed_and_whole(monkeypatch, argv, stdin_path=None, first_pass=True):
    """The run of `argv` streamed (asserting that it was, in more than one piece, with a first pass for
    the Namespaces unless not `first_pass`), then read whole: both (status, stdout, stderr)."""
    import plugin.inputs

    runs, seen = [], {"pieces": 0, "first": 0}
    real_iter, real_first = plugin.inputs.iter_sources, plugin.inputs.namespace_documents

    def counted(*a, **k):
        for piece in real_iter(*a, **k):
            seen["pieces"] += 1
            yield piece

    def first(*a, **k):
        seen["first"] += 1
        return real_first(*a, **k)

    with monkeypatch.context() as m:
        m.setattr(plugin.inputs, "iter_sources", counted)
        m.setattr(plugin.inputs, "namespace_documents", first)
        runs.append(run_cli(*argv, environ=QUIET))
    assert seen["first"] == int(first_pass) and seen["pieces"] > 2 * seen["first"] + 1, seen   # its pieces count too
    with monkeypatch.context() as m:
        m.setattr(plugin.inputs, "streamable", lambda *a, **k: None)
        runs.append(run_cli(*argv, environ=QUIET))
    return runs


def _pod_input(broken: bool) -> str:
    """What -o pod prints back as written, around pieces of 4 documents: a licence header before a leading
    `---`, comments and flow mappings, runs of comments-only chunks and empty documents long enough to
    fill pieces of their own, a List, a DaemonSet in kube-system (-o pod warns that kube-inject would
    inject it), a trailing `---`; `broken`: a document that does not parse near the end."""
    service = ("---\n# service {i}\napiVersion: v1\nkind: Service\nmetadata: {{name: svc-{i}, namespace: mesh, "
               "labels: {{app: web}}}}\nspec:\n  ports: [{{port: 80}}]   # http\n")
    parts = ["# Copyright: nobody\n# a licence header\n"]
    for i in range(30):
        parts.append(deployment(i))
        if i % 4 == 1:
            parts.append(service.format(i=i))
        if i == 9:
            parts.append("---\n# only a comment\n" * 9 + "---\n---\n")
        if i == 17:
            parts.append("---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n"
                         "  metadata: {name: settings, namespace: mesh}\n" + deployment(99)[4:].replace(
                             "\n", "\n  ").replace("apiVersion: apps/v1", "- apiVersion: apps/v1", 1).rstrip(" ") +
                         "---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, namespace: kube-system}\n"
                         "spec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n"
                         "    spec: {containers: [{name: agent, image: agent}]}\n")
        if broken and i == 25:
            parts.append("---\nkind: Deployment\nmetadata: {name: [unclosed\n")
    return "".join(parts) + "---\n"


@pytest.mark.parametrize("broken", [False, True], ids=["whole file", "a syntax error"])
def test_pod_output_streamed_is_the_whole_reads_output(tmp_path, monkeypatch, small_pieces, broken):
    """-o pod in pieces prints what a whole read prints, byte for byte: documents it does not inject as
    written (comments, flow mappings, object-less chunks, the List), the warnings, the error."""
    text = _pod_input(broken)
    path = _write(tmp_path, text)
    streamed, whole = _streamed_and_whole(monkeypatch, ["explain", "--offline", "-f", path, "-o", "pod"],
                                          first_pass=False)
    assert streamed == whole
    status, out, err = streamed.status, streamed.stdout, streamed.stderr
    assert status == (2 if broken else 0), err
    assert out.startswith("# Copyright: nobody\n# a licence header\n---\n")
    assert "# service 5\napiVersion: v1\nkind: Service\nmetadata: {name: svc-5, namespace: mesh, labels: {app: web}}\n" \
           "spec:\n  ports: [{port: 80}]   # http\n---\n" in out
    assert "# only a comment\n---\n" * 9 in out
    assert "kind: List" in out and "name: settings" in out      # the List, its Deployment injected
    assert "DaemonSet kube-system/agent: -o pod prints it without a sidecar" in err
    if broken:
        assert "malformed YAML" in err and "name: web-26" not in out
        # the documents before the error are printed as written, as istioctl prints them before it stops
        assert "# service 25\n" in out and out.count("name: istio-proxy") == 26 + 1     # web-0..25, the List's
    else:
        assert out.endswith("  ports: [{port: 80}]   # http\n---\n") and out.count("name: istio-proxy") == 30 + 1


@pytest.mark.parametrize("where", ["first", "middle", "last", "twice", "in a List", "refused", "after an error"])
@pytest.mark.parametrize("fmt", ["json", "text", "patch"])
def test_namespaces_anywhere_in_a_streamed_file_give_the_whole_reads_output(tmp_path, monkeypatch, small_pieces,
                                                                              where, fmt):
    """A Namespace document is applied before the first object, wherever it is in the file, as `kubectl
    apply -f` creates it: the streamed run finds them in a first pass and prints, byte for byte, what
    reading the input whole prints (stdout, stderr, exit status)."""
    objects = [deployment(i, "shop" if i % 2 else "other") for i in range(14)]
    ns = namespace("shop") + namespace("other", "    team: a\n")
    if where == "first":
        objects.insert(0, ns)
    elif where == "middle":
        objects.insert(7, ns)
    elif where == "last":
        objects.append(ns)
    elif where == "twice":   # the later one applies over the earlier
        objects[2:2] = [namespace("shop", "    istio-injection: disabled\n")]
        objects.append(ns)
    elif where == "in a List":
        objects.insert(9, "---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n"
                          "  metadata:\n    name: shop\n    labels:\n      istio-injection: enabled\n")
    elif where == "refused":
        objects.insert(5, namespace("shop", "    bad key!: x\n"))
        objects.append(namespace("other"))
    else:   # a syntax error ends the file: the Namespace after it is not applied
        objects[10:10] = ["---\nkind: [\n", ns]
    path = _write(tmp_path, "".join(objects))
    streamed, whole = _streamed_and_whole(monkeypatch, ["explain", "--offline", "-f", path, "-o", fmt])
    if where == "after an error":   # the syntax error is reported with its piece's errors (README: the order)
        assert (streamed.status, streamed.stdout) == (whole.status, whole.stdout)
        assert sorted(streamed.stderr.splitlines()) == sorted(whole.stderr.splitlines())
        assert "Namespace" not in whole.stderr and "malformed YAML" in whole.stderr
        return
    assert streamed == whole
    assert "Namespace" in whole.stderr, whole.stderr
    if where == "last" and fmt == "json":
        verdicts = [i["verdict"] for i in json.loads(whole.stdout)["items"]]
        assert verdicts == ["not-injected", "injected"] * 7, verdicts


def test_namespaces_in_other_files_and_a_directory_give_the_whole_reads_output(tmp_path, monkeypatch, small_pieces):
    first = tmp_path / "dir" / "a-apps.yaml"
    first.parent.mkdir()
    first.write_text("".join(deployment(i, "shop") for i in range(9)))
    (tmp_path / "dir" / "b-more.yaml").write_text("".join(deployment(i, "team") for i in range(20, 27)))
    (tmp_path / "dir" / "z-namespaces.yaml").write_text(namespace("shop") + namespace("team", "    team: a\n"))
    extra = _write(tmp_path, deployment(40, "team") + namespace("team"), "extra.yaml")
    for argv in (["-f", str(tmp_path / "dir")], ["-f", extra, "-f", str(tmp_path / "dir")],
                 ["-f", str(tmp_path / "dir"), "-f", extra]):
        for fmt in ("json", "text", "patch"):
            streamed, whole = _streamed_and_whole(monkeypatch, ["explain", "--offline", *argv, "-o", fmt])
            assert streamed == whole, (argv, fmt)
            assert whole.status == 0 and "z-namespaces.yaml: document 1" in whole.stderr, whole.stderr


def test_first_pass_holds_only_the_namespaces(tmp_path, small_pieces):
    from plugin.inputs import namespace_documents, read_sources

    path = _write(tmp_path, "".join(deployment(i) for i in range(10)) + namespace("shop") + deployment(10)
                  + "---\nkind: List\nitems:\n- kind: Namespace\n  metadata: {name: b}\n"
                  + "---\nkind: [\n" + namespace("late"))
    found = namespace_documents([path])
    whole = [d for d in read_sources([path]).documents if d.obj.get("kind") == "Namespace"]
    assert found == whole and [d.obj["metadata"]["name"] for d in found] == ["shop", "b"]
    assert [(d.index, d.line, d.item) for d in found] == [(10, 182, None), (12, 207, 0)]


def _pipe(text: str):
    """A real pipe as stdin is one (read as the interpreter opens sys.stdin: UTF-8, no newline
    translation), written by a thread."""
    import os
    import threading

    r, w = os.pipe()

    def feed():
        with open(w, "wb") as fh:
            fh.write(text.encode())

    threading.Thread(target=feed, daemon=True).start()
    return open(r, encoding="utf-8", errors="surrogateescape", newline="\n")


def _fed_fifo(fifo, data: bytes):
    """A named pipe with its writer already attached (as bash's `<(…)` is when the command starts): the
    plugin reads a FIFO nobody writes to as empty, so a writer thread that opened it late raced the CLI.
    Returns the read end held open for the test (close it afterwards) and the writer thread."""
    import os
    import threading

    os.mkfifo(fifo)
    holder = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)   # a reader, so the writer's open does not wait
    w = os.open(fifo, os.O_WRONLY)

    def feed():
        with open(w, "wb") as fh:
            fh.write(data)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    return holder, writer


def test_stdin_from_a_pipe_is_copied_and_streamed(tmp_path, monkeypatch, small_pieces):
    """`helm template … | kubectl inject explain -f -`: the pipe is copied into a private file (under
    TMPDIR, removed at the end), searched for Namespaces, streamed; the output is the file's."""
    import os
    import tempfile

    import plugin.inputs
    from plugin.cli import main
    from plugin.env import Environment

    text = "".join(deployment(i, "shop") for i in range(12)) + NAMESPACE + "---\nkind: [\n"
    path = _write(tmp_path, text)
    spool_dir = tmp_path / "tmp"
    spool_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool_dir))
    pieces = []
    real = plugin.inputs.iter_sources
    monkeypatch.setattr(plugin.inputs, "iter_sources", lambda *a, **k: (pieces.append(1) or p for p in real(*a, **k)))
    real_fill = plugin.inputs.Spool._fill
    for fmt in ("json", "text"):
        out, err = io.StringIO(), io.StringIO()
        copies = []

        def fill(self, read, _copies=copies):
            got = real_fill(self, read)
            _copies.append(got)
            return got

        with monkeypatch.context() as m:
            m.setattr(plugin.inputs.Spool, "_fill", fill)
            env = Environment(stdin=_pipe(text), stdout=out, stderr=err, environ=QUIET, stdout_isatty=False)
            status = main(["explain", "--offline", "-f", "-", "-o", fmt], env)
        from_file = run_cli("explain", "--offline", "-f", path, "-o", fmt, environ=QUIET)
        assert (status, out.getvalue(), err.getvalue()) == (
            from_file.status, from_file.stdout.replace(path, "<stdin>"), from_file.stderr.replace(path, "<stdin>"))
        assert len(copies) == 1 and isinstance(copies[0], str) and copies[0].startswith(str(spool_dir))
        assert os.listdir(spool_dir) == []      # the copy is gone
    assert len(pieces) > 4
    assert "<stdin>: document 12, line 218: Namespace shop created" in err.getvalue()


def test_a_copy_the_disk_will_not_take_is_held_in_memory(tmp_path, monkeypatch):
    from plugin.inputs import Spool

    chunks = [b"a" * 10, b"b" * 10, b"c" * 10, b""]
    spool = Spool(None)

    class Full:
        def __init__(self, *a, **k):
            self.n = 0

        def write(self, view):
            if self.n >= 15:
                raise OSError(28, "No space left on device")
            self.n += 5
            return 5

    import builtins

    real_open = builtins.open

    def fake_open(path, mode="r", *a, **k):
        if mode == "wb":
            handle = real_open(path, mode, *a, **k)
            full = Full()

            class Writer:
                def write(self, view):
                    n = full.write(view)
                    handle.write(bytes(view[:n]))
                    return n

                def __enter__(self):
                    return self

                def __exit__(self, *exc):
                    handle.close()

            return Writer()
        return real_open(path, mode, *a, **k)

    monkeypatch.setattr(builtins, "open", fake_open)
    try:
        got = spool._fill(lambda: chunks.pop(0))
    finally:
        spool.close()
    assert got == b"a" * 10 + b"b" * 10 + b"c" * 10


def test_a_named_pipe_is_copied_and_streamed(tmp_path, monkeypatch, small_pieces):
    """A FIFO given with -f (or met in a directory): copied once, searched for Namespaces, streamed."""
    import os

    import plugin.inputs

    text = "".join(deployment(i, "shop") for i in range(12)) + NAMESPACE
    path = _write(tmp_path, text)
    fifo = tmp_path / "pipe.yaml"
    holder, writer = _fed_fifo(fifo, text.encode())
    pieces = []
    real = plugin.inputs.iter_sources
    monkeypatch.setattr(plugin.inputs, "iter_sources", lambda *a, **k: (pieces.append(1) or p for p in real(*a, **k)))
    got = run_cli("explain", "--offline", "-f", str(fifo), "-o", "json", environ=QUIET)
    writer.join(10)
    os.close(holder)
    from_file = run_cli("explain", "--offline", "-f", path, "-o", "json", environ=QUIET)
    assert got.stdout == from_file.stdout.replace(path, str(fifo)) and got.status == from_file.status == 0
    assert len(pieces) > 8 and "pipe.yaml: document 12, line 218: Namespace shop created" in got.stderr


def test_a_fifo_named_twice_is_left_to_be_read_twice(tmp_path):
    """Read a second time, a FIFO gives what a second writer writes (nothing, usually): it is not copied,
    and the input is read whole from the FIFO itself, as before."""
    import os

    from plugin.inputs import Spool

    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    spool = Spool.of([str(fifo), str(tmp_path)], None)
    assert spool.copies == {} and spool.dir is None


@pytest.mark.parametrize("text,explained", [
    # a directive: the stream is read whole, and stops where kubectl's reader leaves it without its document
    (deployment(0) + "---\n%YAML 1.1\n" + deployment(1), 1),
    (deployment(0) + "---\nkind: Pod\nmetadata:\n  name: caf\xe9\n", 2)])   # not UTF-8
def test_a_pipe_that_cannot_be_streamed_is_read_whole_from_its_copy(tmp_path, text, explained):
    """The copy is read whole, as the pipe itself would have been: the same output and errors."""
    import os

    data = text.encode("latin-1")
    path = tmp_path / "file.yaml"
    path.write_bytes(data)
    fifo = tmp_path / "pipe.yaml"
    holder, writer = _fed_fifo(fifo, data)
    got = run_cli("explain", "--offline", "-f", str(fifo), "-o", "json", environ=QUIET)
    writer.join(10)
    os.close(holder)
    from_file = run_cli("explain", "--offline", "-f", str(path), "-o", "json", environ=QUIET)
    assert (got.status, got.stdout, got.stderr) == (
        from_file.status, from_file.stdout.replace(str(path), str(fifo)), from_file.stderr.replace(str(path), str(fifo)))
    assert got.stdout.count('"kind": "Deployment"') == explained or "cannot read" in got.stderr, got.stderr


def test_a_fifo_given_with_f_is_copied_and_streamed(tmp_path, small_pieces):
    """`-f <(cat big.yaml)` (bash's process substitution: a pipe), end to end in a process of its own."""
    import os
    import shutil
    import subprocess
    import sys

    if shutil.which("bash") is None:
        pytest.skip("bash is needed for <(...)")
    text = "".join(deployment(i, "shop") for i in range(700)) + NAMESPACE
    path = _write(tmp_path, text)
    spool_dir = tmp_path / "tmp"
    spool_dir.mkdir()
    env = dict(os.environ, TMPDIR=str(spool_dir), **QUIET)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    got = subprocess.run(["bash", "-c", f'exec {sys.executable} -m plugin explain --offline -f <(cat "$1") -o json',
                          "bash", path], capture_output=True, text=True, env=env, cwd=root, timeout=600)
    from_file = run_cli("explain", "--offline", "-f", path, "-o", "json", environ=QUIET)
    fifo = json.loads(got.stdout)["items"][0]["object"]["source"]["file"]
    assert fifo.startswith("/dev/fd/"), fifo
    assert (got.returncode, got.stdout, got.stderr) == (
        from_file.status, from_file.stdout.replace(path, fifo), from_file.stderr.replace(path, fifo))
    assert {i["verdict"] for i in json.loads(got.stdout)["items"]} == {"injected"}
    assert os.listdir(spool_dir) == []


def test_stdin_reads_as_the_same_file(tmp_path, small_pieces):
    text = "".join(deployment(i) for i in range(10))
    path = _write(tmp_path, text)
    from_file = run_cli("explain", "--offline", "-f", path, "-o", "json", environ=QUIET)
    from_stdin = run_cli("explain", "--offline", "-f", "-", "-o", "json", stdin=text, environ=QUIET)
    assert from_stdin.stdout == from_file.stdout.replace(path, "<stdin>")


def _peak(tmp_path, n: int, namespaces: bool = False, fmt: str = "json") -> int:
    text = "".join(deployment(i, "shop" if namespaces else "mesh") for i in range(n))
    path = _write(tmp_path, text + (NAMESPACE if namespaces else ""), f"{n}.yaml")
    from plugin.cli import main
    from plugin.env import Environment

    class Sink(io.TextIOBase):      # stdout as a real run's: written out, not kept
        def write(self, text):
            return len(text)

    err = io.StringIO()
    tracemalloc.start()
    try:
        status = main(["explain", "--offline", "-f", path, "-o", fmt],
                      Environment(stdin=io.StringIO(""), stdout=Sink(), stderr=err, environ=QUIET, stdout_isatty=False))
        assert status == 0, err.getvalue()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("namespaces,fmt", [(False, "json"), (True, "json"), (False, "pod")],
                         ids=["plain", "a Namespace at the end", "-o pod"])
def test_memory_does_not_grow_with_the_number_of_objects(tmp_path, small_pieces, namespaces, fmt):
    """Python allocations at the peak for N and 4N objects, stdout written out as a real run's: it would
    grow by a few kB per object if the input or results were held (with a Namespace at the end, by the
    first pass too)."""
    small, large = 100, 400
    a = _peak(tmp_path, small, namespaces, fmt)
    b = _peak(tmp_path, large, namespaces, fmt)
    assert b - a < (large - small) * 1000, (a, b)


def test_many_objects_summary_and_tally():
    text = "".join(deployment(i) for i in range(3))
    run = run_cli("explain", "--offline", "-f", "-", stdin=text)
    lines = run.stdout.splitlines()
    assert [ln for ln in lines if ln.startswith("Deployment ")] == [
        f"Deployment mesh/web-{i}: INJECTED — the injector policy is \"enabled\" and nothing on the pod opted out"
        f"  (<stdin>, document {i})" for i in range(3)]
    assert lines[-1] == "3 objects: 3 injected (each object's full explanation: -v 1, or explain it alone)"
    assert "RESULT:" not in run.stdout


def test_one_object_and_v_give_the_full_text():
    one = run_cli("explain", "--offline", "-f", "-", stdin=deployment(0))
    assert "RESULT: INJECTED" in one.stdout and "objects:" not in one.stdout
    many = run_cli("explain", "--offline", "-f", "-", "-v", "1", stdin=deployment(0) + deployment(1))
    assert many.stdout.count("RESULT: INJECTED") == 2 and "objects:" not in many.stdout
    first = one.stdout.split("\n\n", 1)[1] if one.stdout.startswith("note:") else one.stdout
    assert first.rstrip("\n") in many.stdout


def test_a_streamed_input_counts_on_across_its_pieces_on_a_terminal(tmp_path, small_pieces, monkeypatch):
    """One count for the whole run, going on from piece to piece (its total is not known before the end),
    erased at the end; stdout the same as with stderr in a pipe."""
    from plugin.cli import main
    from tests import test_progress as tp

    monkeypatch.setattr(tp.progress_mod, "DELAY", 0.0)
    monkeypatch.setattr(tp.progress_mod, "INTERVAL", 0.0)
    path = _write(tmp_path, "".join(deployment(i) for i in range(10)))
    term = tp.Terminal()
    outs = []
    for stderr in (term, io.StringIO()):
        env = tp._env(stderr, QUIET)
        assert main(["explain", "--offline", "-f", path, "-o", "json"], env) == 0
        outs.append(env.stdout.getvalue())
    assert outs[0] == outs[1]
    drawn = term.getvalue()
    assert "\rexplaining 5 objects\x1b[K" in drawn and "\rexplaining 10 objects\x1b[K" in drawn, drawn
    assert drawn.endswith(tp.ERASE)


def test_against_a_live_cluster_a_file_is_streamed_too(tmp_path, monkeypatch, small_pieces):
    """`explain -f` against a live cluster: a first pass names the namespaces its state is read for (and
    finds the Namespaces), then the file is streamed; the output is the whole read's."""
    pytest.importorskip("kubernetes", reason="the live state is read through the kubernetes package")
    from tests.test_progress import _fake_cluster

    objects = [deployment(i, "mesh" if i % 3 else "default") for i in range(12)]
    objects.insert(6, namespace("shop"))
    objects.append(deployment(50, "shop"))
    path = _write(tmp_path, "".join(objects))
    with _fake_cluster(tmp_path, []) as kubeconfig:
        monkeypatch.setitem(QUIET, "KUBECONFIG", str(kubeconfig))
        for fmt in ("json", "text"):
            streamed, whole = _streamed_and_whole(monkeypatch, ["explain", "-f", path, "-o", fmt])
            assert streamed == whole, fmt
    assert whole.status == 0, whole.stderr
    assert "Namespace shop created" in whole.stderr and "live" in whole.stdout
