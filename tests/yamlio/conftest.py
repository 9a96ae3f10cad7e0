"""The YAML oracle: a small Go program (tests/yamlio/oracle) linking sigs.k8s.io/yaml v1.6.0 (go-yaml v2 via
go.yaml.in/yaml/v2) and kubectl's document reader, built on demand and cached.

Cache: ~/.cache/kubectl-inject/yaml-oracle/<key>/oracle, key = hash of the program's sources, go.mod, go.sum
and `go version`; a file lock keeps parallel sessions from building it twice.  Without Go, comparisons whose
questions are fixed (the hand-written corpus, stream cases, seeded documents) use the answers recorded in
tests/yamlio/golden/ (tests/recorded.py); the generated ones skip and say why.
"""

import json
import subprocess
from pathlib import Path

import pytest

from tests import recorded
from tests.gobuild import GoProgramUnavailable, go_program

ORACLE_DIR = Path(__file__).resolve().parent / "oracle"
RECORDINGS = Path(__file__).resolve().parent / "golden"
OracleUnavailable = GoProgramUnavailable


def oracle_binary():
    """Path of the oracle binary (built and cached on first use, see tests/gobuild.py)."""
    return go_program(ORACLE_DIR, "yaml-oracle", "the sigs.k8s.io/yaml oracle")


class Oracle:
    """Runs the oracle binary on a batch of texts; one process per batch."""

    def __init__(self, binary):
        self.binary = str(binary)

    def _run(self, requests):
        data = "".join(json.dumps(r) + "\n" for r in requests)
        proc = subprocess.run([self.binary], input=data.encode(), capture_output=True, timeout=600)
        if proc.returncode != 0:
            raise RuntimeError("YAML oracle failed: " + proc.stderr.decode()[-2000:])
        # split on "\n" only: Go's JSON leaves U+0085 unescaped, which str.splitlines would cut at
        answers = [json.loads(line) for line in proc.stdout.decode().split("\n") if line]
        if len(answers) != len(requests):
            raise RuntimeError("YAML oracle answered %d of %d requests" % (len(answers), len(requests)))
        return answers

    def yaml_to_json(self, texts):
        """[text] -> [("ok", data) | ("error", message) | ("ambiguous", data or message)]: YAMLToJSON,
        its JSON parsed by Python; "ambiguous" when two keys of a mapping became the same string, so
        Go's random map order picked the outcome."""
        return [as_yaml_to_json(ans) for ans in self._run([yaml_to_json_request(t) for t in texts])]

    def json_to_yaml(self, values):
        """[JSON-able value] -> [text of sigs.k8s.io/yaml.JSONToYAML]: how istioctl prints objects."""
        return [as_json_to_yaml(ans) for ans in self._run([json_to_yaml_request(v) for v in values])]

    def stream(self, texts):
        """[text] -> [("ok", [data per document]) | ("error", message)]: kubectl's document reader."""
        return [as_stream(ans) for ans in self._run([stream_request(t) for t in texts])]


def yaml_to_json_request(text):
    return {"yaml": text}


def as_yaml_to_json(ans):
    if ans.get("ambiguous"):
        return ("ambiguous", ans.get("error") or json.loads(ans["json"]))
    if "error" in ans:
        return ("error", ans["error"])
    return ("ok", json.loads(ans["json"]))


def json_to_yaml_request(value):
    return {"yaml": json.dumps(value, ensure_ascii=False), "marshal": True}


def as_json_to_yaml(ans):
    if "error" in ans:
        raise RuntimeError("JSONToYAML failed: " + ans["error"])
    return ans["yaml"]


def stream_request(text):
    return {"yaml": text, "stream": True}


def as_stream(ans):
    if "error" in ans:
        return ("error", ans["error"])
    return ("ok", [json.loads(d) for d in ans["docs"]])


def recorded_answers(request, recording, questions, about, ask=None):
    """The oracle's raw answers to `questions` ({case: request line}), live or from golden/<recording>.json;
    `ask(oracle, cases)` replaces the plain one-request-per-case question when given."""
    def ask_go(cases):
        oracle = Oracle(oracle_binary())
        if ask is not None:
            return ask(oracle, cases)
        return oracle._run([questions[c] for c in cases])

    return recorded.answers(request, RECORDINGS / (recording + ".json"), questions, ask_go, OracleUnavailable,
                            about=about + " (tests/yamlio/oracle); regenerate with --update-oracle-goldens")


@pytest.fixture(scope="session")
def yaml_oracle():
    try:
        binary = oracle_binary()
    except OracleUnavailable as exc:
        pytest.skip(str(exc))
    return Oracle(binary)
