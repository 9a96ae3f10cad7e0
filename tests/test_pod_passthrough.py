"""`-o pod` prints the documents istioctl kube-inject passes through exactly as istioctl does (issue 10, part 1).

The facts, from k8s.io/apimachinery's pkg/util/yaml (YAMLReader.Read over LineReader, which istioctl's
IntoResourceFile uses) and istio's pkg/kube/inject IntoResourceFile: a line starting with `---` ends the
document being collected and is dropped — but when nothing is collected yet, the line is kept as the next
document's first line; lines are read with bufio's ReadLine (drops "\\n" or "\\r\\n") and get "\\n" back; a
chunk of only comments or blanks is a document, which FromRawToObject finds no kind in, so it is written back
as is; every document is followed by `---\\n`.  tests/istio/test_real_world_corpus.py checks the same against
the real istioctl.
"""
import pytest

from simulator.yamlio.reader import SeparatorError, split_documents
from tests.conftest import run_cli


@pytest.mark.parametrize("text, chunks", [
    ("a: 1\n---\nb: 2\n", ["a: 1\n", "b: 2\n"]),
    ("a: 1\n---\n", ["a: 1\n"]),                                     # a trailing separator ends the last one
    ("---\na: 1\n", ["---\na: 1\n"]),                                # kept: the buffer was empty
    ("a: 1\n---\n---\nb: 2\n", ["a: 1\n", "---\nb: 2\n"]),           # the second `---` starts the next
    ("a: 1\n---\n---\n", ["a: 1\n", "---\n"]),
    ("# licence\n---\na: 1\n", ["# licence\n", "a: 1\n"]),
    ("a: 1\n---\n\n\n", ["a: 1\n", "\n\n"]),                         # blank lines are a chunk too
    ("a: 1\r\nb: 2\r\n---\r\nc: 3", ["a: 1\nb: 2\n", "c: 3\n"]),    # CRLF read as LF, a last line break added
    ("--- # start\na: 1\n", ["--- # start\na: 1\n"]),
    ("a: 1\n----\n", SeparatorError),                                # `---` then "-": the reader's error
    ("a: 1\n--- b\n", SeparatorError),
    ("", []),
])
def test_the_stream_is_cut_as_apimachinerys_yaml_reader_cuts_it(text, chunks):
    if chunks is SeparatorError:
        with pytest.raises(SeparatorError):
            split_documents(text)
    else:
        assert split_documents(text) == chunks


@pytest.mark.parametrize("text", [case[0] for case in [
    ("a: 1\n---\n---\nb: 2\n",), ("x\ry\n---\nz\r\n",), ("--- # c\n\n---\n",), ("a: 1\n--- b\nc: 2\n",),
    ("# c\n---\r\na: 1",), ("",)]])
def test_a_file_read_line_by_line_is_cut_as_its_whole_text(tmp_path, text):
    """-o kube-inject reads a file document by document (iter_documents over file_lines): the same chunks
    as split_documents over the whole text, and where the reader refuses a separator, the same chunks
    before it; a lone "\\r" stays inside its line, as bufio's ReadLine keeps it."""
    from simulator.yamlio.reader import file_lines, iter_documents

    path = tmp_path / "f.yaml"
    path.write_bytes(text.encode())
    try:
        whole, refused = split_documents(text), None
    except SeparatorError as e:
        whole, refused = e.documents, str(e)
    got, stopped = [], None
    with open(path, encoding="utf-8", newline="\n") as fh:
        try:
            for chunk in iter_documents(file_lines(fh)):
                got.append(chunk)
        except SeparatorError as e:
            stopped = str(e)
    assert (got, stopped) == (whole, refused)
    if "x\ry" in text:
        assert got[0] == "x\ry\n"


SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s   # the front\n  labels: {x: y}\nspec:\n  ports: [{port: 80}]\n"
CONFIGMAP = "kind: ConfigMap\napiVersion: v1\nmetadata: {name: c}\ndata:\n  on: 'yes'\n"


@pytest.mark.parametrize("text, expected", [
    # a file ending with `---`: every document still as written (keys unsorted, comment, flow mapping)
    (SERVICE + "---\n" + CONFIGMAP + "---\n", SERVICE + "---\n" + CONFIGMAP + "---\n"),
    # a licence header, then `---`: istioctl prints the header as a document of its own
    ("# Copyright\n# Licensed\n---\n" + SERVICE, "# Copyright\n# Licensed\n---\n" + SERVICE + "---\n"),
    # a leading `---` stays before the first document
    ("---\n" + SERVICE, "---\n" + SERVICE + "---\n"),
    # `---` twice: the second is kept with the next document; a comments-only chunk in the middle
    (SERVICE + "---\n---\n" + CONFIGMAP + "---\n# the end\n",
     SERVICE + "---\n---\n" + CONFIGMAP + "---\n# the end\n---\n"),
    # CRLF comes out LF, a missing last line break is added, blank chunks come back
    (SERVICE.replace("\n", "\r\n") + "---\r\n\r\n---\r\n" + CONFIGMAP.rstrip("\n"),
     SERVICE + "---\n\n---\n" + CONFIGMAP + "---\n"),
], ids=["trailing-separator", "licence-header", "leading-separator", "double-separator-and-tail", "crlf-and-blank"])
def test_documents_kube_inject_passes_through_come_back_byte_for_byte(tmp_path, text, expected):
    f = tmp_path / "in.yaml"
    f.write_bytes(text.encode())
    run = run_cli("explain", "-f", str(f), "-o", "pod")
    assert run.status == 0, run.stderr
    assert run.stdout == expected


def test_an_injected_document_between_passthrough_chunks_keeps_them_in_place(tmp_path):
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx}]\n"
    f = tmp_path / "in.yaml"
    f.write_text("# header\n---\n" + SERVICE + "---\n" + pod + "---\n# footer\n")
    run = run_cli("explain", "-f", str(f), "-n", "mesh", "--ns-label", "istio-injection=enabled", "-o", "pod")
    assert run.status == 0, run.stderr
    assert run.stdout.startswith("# header\n---\n" + SERVICE + "---\napiVersion: v1\nkind: Pod\n")
    assert "istio-proxy" in run.stdout
    assert run.stdout.endswith("---\n# footer\n---\n")


def test_a_list_item_injected_keeps_the_chunks_around_the_list(tmp_path):
    f = tmp_path / "in.yaml"
    f.write_text("# header\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n"
                 "  metadata: {name: p}\n  spec:\n    containers: [{name: c, image: nginx}]\n---\n# footer\n")
    run = run_cli("explain", "-f", str(f), "-n", "mesh", "--ns-label", "istio-injection=enabled", "-o", "pod")
    assert run.status == 0, run.stderr
    assert run.stdout.startswith("# header\n---\n") and run.stdout.endswith("---\n# footer\n---\n")
    assert "istio-proxy" in run.stdout
