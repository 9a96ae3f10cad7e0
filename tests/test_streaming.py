"""Streaming (issue 10, section 4): `explain -o json` and `-o text` read a regular file in pieces and write
each piece's output before the next is read, so memory does not grow with the number of objects; the
result is the one reading the whole input gives.  Inputs that must be read whole (a Namespace to apply
first, stdin, -o pod ...) are.  Many objects read as a summary."""
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
    from plugin.inputs import streamable

    plain = _write(tmp_path, deployment(0), "plain.yaml")
    assert streamable([plain]) and streamable([str(tmp_path)])
    for name, text in (("ns.yaml", "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: mesh\n"),
                       ("escape.yaml", 'kind: "Name\\x73pace"\n'),
                       ("directive.yaml", "%YAML 1.1\n---\nkind: Pod\n"),
                       ("latin1.yaml", None)):
        path = tmp_path / "more" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(text.encode() if text else b"kind: Pod\nmetadata: {name: caf\xe9}\n")
        assert not streamable([plain, str(path)]), name
    assert not streamable(["-"], io.StringIO(deployment(0)))   # stdin from a pipe is read whole: it cannot be scanned first


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
    """Byte for byte, stdout and stderr, -o json and text, with an error (and its line) in a late piece."""
    import plugin.inputs

    path = _write(tmp_path, "".join(deployment(i) for i in range(21)) + BROKEN + deployment(99))
    outputs = []
    for streamed in (True, False):
        if not streamed:
            monkeypatch.setattr(plugin.inputs, "streamable", lambda *a, **k: False)
        outputs.append([run_cli("explain", "--offline", "-f", path, "-o", fmt, environ=QUIET) for fmt in ("json", "text")])
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


def test_a_namespace_late_in_the_file_still_decides_the_first_objects(tmp_path, small_pieces):
    """The input's Namespace is applied before any object is explained: such an input is read whole."""
    namespace = "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio-injection: enabled\n"
    path = _write(tmp_path, "".join(deployment(i, "shop") for i in range(12)) + namespace)
    run = run_cli("explain", "--offline", "-f", path, "-o", "json", environ=QUIET)
    assert run.status == 0, run.stderr
    assert {i["verdict"] for i in json.loads(run.stdout)["items"]} == {"injected"}


def test_stdin_reads_as_the_same_file(tmp_path, small_pieces):
    text = "".join(deployment(i) for i in range(10))
    path = _write(tmp_path, text)
    from_file = run_cli("explain", "--offline", "-f", path, "-o", "json", environ=QUIET)
    from_stdin = run_cli("explain", "--offline", "-f", "-", "-o", "json", stdin=text, environ=QUIET)
    assert from_stdin.stdout == from_file.stdout.replace(path, "<stdin>")


def _peak(tmp_path, n: int) -> int:
    path = _write(tmp_path, "".join(deployment(i) for i in range(n)), f"{n}.yaml")
    tracemalloc.start()
    try:
        run = run_cli("explain", "--offline", "-f", path, "-o", "json", environ=QUIET)
        assert run.status == 0, run.stderr
        return tracemalloc.get_traced_memory()[1] - len(run.stdout) * 2
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_number_of_objects(tmp_path, small_pieces):
    """Python allocations at the peak for N and 4N objects, less the in-process runner's collected stdout
    (a real run writes it out): it would grow by a few kB per object if the input or results were held."""
    small, large = 100, 400
    a = _peak(tmp_path, small)
    b = _peak(tmp_path, large)
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
