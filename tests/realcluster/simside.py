"""Ask the simulator, through its real command line, which webhooks it would call.

The CLI is run as a subprocess from the repository root, exactly as a user would run it, so the parity test
also covers reading the cluster state and the input.  Pods that share a world and a namespace go in one
multi-document file, which keeps the number of interpreter start-ups small.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from .scenarios import REPO

CLI = REPO / "kubectl-inject"


class SimulatorFailed(Exception):
    pass


class SimOutcome:
    def __init__(self, called, rejected, verdict, item):
        self.called = called        # list of (configuration, webhook) with called == true, in list order
        self.rejected = rejected
        self.verdict = verdict
        self.item = item

    def __repr__(self):
        return "SimOutcome(called=%r, rejected=%r)" % (self.called, self.rejected)


def cluster_state(namespaces, mwcs, extra):
    """The world as `kubectl get -o yaml` would list it (the apiserver's automatic name label included)."""
    objs = []
    for name, labels in namespaces.items():
        labels = dict(labels)
        labels["kubernetes.io/metadata.name"] = name
        objs.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}})
    return objs + list(mwcs) + list(extra)


def explain(state_objects, namespace, pods, timeout=900):
    """SimOutcome for each pod (same order), from one `kubectl-inject explain ... -o json` run."""
    with tempfile.TemporaryDirectory(prefix="kubectl-inject-parity-") as tmp:
        state_file = Path(tmp) / "cluster.yaml"
        input_file = Path(tmp) / "pods.yaml"
        # JSON documents: PyYAML leaves strings like `y` unquoted, which Kubernetes' YAML reader (and so
        # kubectl-inject's) takes as booleans; the real apiserver side is sent JSON too.
        state_file.write_text("\n---\n".join(json.dumps(o) for o in state_objects))
        docs = []
        for pod in pods:
            pod = json.loads(json.dumps(pod))
            pod.setdefault("metadata", {})["namespace"] = namespace
            docs.append(pod)
        input_file.write_text("\n---\n".join(json.dumps(d) for d in docs))
        cmd = [sys.executable, str(CLI), "explain", "-f", str(input_file), "--cluster-state", str(state_file),
               "-n", namespace, "-o", "json"]
        proc = _run(cmd, timeout)
        # The JSON is what is compared; a non-zero exit (e.g. for a rejected pod) is fine as long as every
        # pod was explained, which is checked below.
        if not proc.stdout.strip():
            raise SimulatorFailed("`%s` exited %s\nstderr:\n%s" % (" ".join(cmd[1:]), proc.returncode,
                                                                    proc.stderr[-3000:]))
        try:
            items = json.loads(proc.stdout)["items"]
        except (ValueError, KeyError) as e:
            raise SimulatorFailed("unreadable JSON from kubectl-inject (%s): %s" % (e, proc.stdout[:2000]))
    # Items are matched back by document index: generateName pods have no name to match on.
    by_doc = {((item.get("object") or {}).get("source") or {}).get("document"): item for item in items}
    missing = [i for i in range(len(pods)) if i not in by_doc]
    if missing:
        raise SimulatorFailed("kubectl-inject did not explain documents %s; stderr:\n%s"
                              % (missing, proc.stderr[-3000:]))
    return [_outcome(by_doc[i]) for i in range(len(pods))]


def _run(cmd, timeout):
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout)


def _outcome(item):
    called = []
    for stage in item.get("stages") or []:
        if stage.get("stage") == "webhook-selection":
            called = [(w.get("configuration"), w.get("webhook")) for w in stage.get("webhooks") or []
                      if w.get("called") is True]
    verdict = item.get("verdict")
    return SimOutcome(called, verdict == "rejected", verdict, item)
