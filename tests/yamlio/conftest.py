"""The YAML oracle: a small Go program (tests/yamlio/oracle) linking sigs.k8s.io/yaml v1.6.0 (go-yaml v2 via
go.yaml.in/yaml/v2) and kubectl's document reader, built on demand and cached.

Cache: ~/.cache/kubectl-inject/yaml-oracle/<key>/oracle, key = hash of the program's sources, go.mod, go.sum
and `go version`; a file lock keeps parallel sessions from building it twice.  Without Go every
comparison skips and says why.
"""

import json
import subprocess
from pathlib import Path

import pytest

from tests.gobuild import GoProgramUnavailable, go_program

ORACLE_DIR = Path(__file__).resolve().parent / "oracle"
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
        out = []
        for ans in self._run([{"yaml": t} for t in texts]):
            if ans.get("ambiguous"):
                out.append(("ambiguous", ans.get("error") or json.loads(ans["json"])))
            elif "error" in ans:
                out.append(("error", ans["error"]))
            else:
                out.append(("ok", json.loads(ans["json"])))
        return out

    def json_to_yaml(self, values):
        """[JSON-able value] -> [text of sigs.k8s.io/yaml.JSONToYAML]: how istioctl prints objects."""
        out = []
        for ans in self._run([{"yaml": json.dumps(v, ensure_ascii=False), "marshal": True} for v in values]):
            if "error" in ans:
                raise RuntimeError("JSONToYAML failed: " + ans["error"])
            out.append(ans["yaml"])
        return out

    def stream(self, texts):
        """[text] -> [("ok", [data per document]) | ("error", message)]: kubectl's document reader."""
        out = []
        for ans in self._run([{"yaml": t, "stream": True} for t in texts]):
            if "error" in ans:
                out.append(("error", ans["error"]))
            else:
                out.append(("ok", [json.loads(d) for d in ans["docs"]]))
        return out


@pytest.fixture(scope="session")
def yaml_oracle():
    try:
        binary = oracle_binary()
    except OracleUnavailable as exc:
        pytest.skip(str(exc))
    return Oracle(binary)
