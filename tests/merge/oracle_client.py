"""Build, cache and talk to the merge oracle (tests/merge/oracle), live or through its recorded answers.

It links the real k8s.io/api and k8s.io/apimachinery at the versions Istio 1.30 pins, so tests compare
simulator/kube/strategicpatch/ and simulator/kube/typed/ against the actual strategic-merge code and the actual
corev1.Pod JSON round trip.  The binary is cached under ~/.cache/kubectl-inject/merge-oracle/<key>/, key =
hash of the program's sources, go.mod, go.sum and `go version`; a file lock keeps parallel sessions from
building it twice.  Without Go, the comparisons whose questions are fixed (hand-written cases, batteries) use
the answers recorded in tests/merge/golden/ (tests/recorded.py); the rest skip with the reason.
"""

import json
import subprocess
from pathlib import Path

from tests import recorded
from tests.gobuild import GoProgramUnavailable, go_program

from simulator.kube.typed.jsontext import go_json_dumps

ORACLE_DIR = Path(__file__).resolve().parent / "oracle"
RECORDINGS = Path(__file__).resolve().parent / "golden"
OracleUnavailable = GoProgramUnavailable


def oracle_binary():
    """Path of the oracle binary (built and cached on first use, see tests/gobuild.py)."""
    return go_program(ORACLE_DIR, "merge-oracle", "the Kubernetes merge oracle")


class Oracle:
    """Runs the oracle binary; every call sends a batch of JSON lines and returns the decoded answers."""

    def __init__(self, binary):
        self.binary = str(binary)
        self.last_raw = []

    def _run(self, mode, lines):
        data = "".join(line + "\n" for line in lines)
        proc = subprocess.run([self.binary, mode], input=data.encode(), capture_output=True, timeout=300)
        if proc.returncode != 0:
            raise RuntimeError("oracle %s failed: %s" % (mode, proc.stderr.decode()[-2000:]))
        out_lines = proc.stdout.decode().splitlines()
        answers = [json.loads(line) for line in out_lines]
        # The exact bytes Go wrote for each result (None for errors), for byte-level comparisons.
        self.last_raw = [line[len('{"result":'):-1] if line.startswith('{"result":') else None
                         for line in out_lines]
        if len(answers) != len(lines):
            raise RuntimeError("oracle %s answered %d of %d lines" % (mode, len(answers), len(lines)))
        return answers

    @staticmethod
    def _pair_text(original, patch):
        # Numbers spelled as Go writes a float64 (80.0 -> 80), as they reach the typed decode in Istio.
        return go_json_dumps({"original": original, "patch": patch}, sort_keys=False)

    def smp(self, pairs):
        """[(original, patch)] -> [{"result": ...} | {"error": ...}] from the real strategic merge."""
        return self._run("smp", [self._pair_text(o, p) for o, p in pairs])

    def overlay(self, pairs):
        """Typed pod -> merge -> typed pod, as Istio's applyOverlay does per template."""
        return self._run("overlay", [self._pair_text(o, p) for o, p in pairs])

    def roundtrip_text(self, texts):
        """JSON texts of pods -> answers of json.Unmarshal into corev1.Pod + json.Marshal."""
        return self._run("roundtrip", list(texts))

    def schema(self):
        proc = subprocess.run([self.binary, "schema"], capture_output=True, text=True, check=True)
        return json.loads(proc.stdout)


def recorded_oracle(request, recording, mode, lines, about):
    """Go's answers to `lines` ({case: the JSON line sent in `mode`}), live or recorded in golden/<recording>.json.

    Each answer is {"raw": the exact bytes Go wrote for the result} or {"error": Go's message}; `decoded`
    turns one into the {"result": ...} / {"error": ...} form the oracle methods return."""
    def ask(cases):
        oracle = Oracle(oracle_binary())
        answers = oracle._run(mode, [lines[c] for c in cases])
        return [{"raw": raw} if raw is not None else {"error": a["error"]} for a, raw in zip(answers, oracle.last_raw)]

    return recorded.answers(request, RECORDINGS / (recording + ".json"), lines, ask, OracleUnavailable,
                            about=about + " (tests/merge/oracle, mode %s); regenerate with --update-oracle-goldens"
                            % mode)


def decoded(answer):
    return {"result": json.loads(answer["raw"])} if "raw" in answer else answer
