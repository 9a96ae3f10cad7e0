"""Carrying out the lab's steps (scenarios.py) and checking what came of them.

What is printed is what is done: each `$ kubectl …` line is the argv the lab runs (kubectl itself, as a
subprocess, with the connection flags the user gave), each `$ kubectl inject …` line is this plugin run
in-process with those arguments. Besides them the lab only reads, without printing: the pods' READY counts,
`-o json` of the commands it just showed (to check the step's outcome), whether its namespace exists and
whose it is, and whether a CRD is served. Offline, `kubectl` lines are shown as "not run" and every
explanation is explain's what-if against the embedded default cluster.

The lab writes to a cluster only inside its own namespace (created with the ownership label of
manifests.py, deleted at the end unless --keep); a namespace of that name without the label is refused.
"""
from __future__ import annotations

import io
import json
import os
import shlex
import subprocess
import tempfile
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional

    from ..env import Environment

from . import edits, manifests
from .scenarios import NAMESPACE_PREFIX, NOT_UPGRADED, UPGRADED

KUBECTL_TIMEOUT = 600            # seconds for one kubectl command (rollout status has its own --timeout)
SETTLE_TIMEOUT = 120             # seconds for a selector's pods to settle before `kubectl get pods`
DEFAULT_INJECTOR = ("istio-system", "istio-sidecar-injector")   # what --inject-config and --values replace


class LabError(Exception):
    """The lab cannot go on (a command failed, a namespace is not the lab's): one line, exit 2."""


class _SkipStep(Exception):
    """The rest of the step cannot be done on this cluster; the message says why."""


class Lab:
    def __init__(self, env: Environment, args, live: bool, kubectl: Optional[str] = None,
                 describe: str = "", node_name: Optional[str] = None):
        self.env = env
        self.live = live
        self.kubectl_path = kubectl
        self.describe = describe
        self.node_name = node_name
        self.keep = bool(getattr(args, "keep", False))
        stdin_tty = bool(getattr(env.stdin, "isatty", lambda: False)())
        self.interactive = not args.yes and stdin_tty
        self.quit = False
        self.conn = _connection_flags(args) if live else []
        self.failures: List[str] = []
        self.checks = 0
        self.colour = env.colour
        self.ns = ""
        self.dir = ""
        self.upgraded_tag = ""       # scenario 6's what-if: the tag the upgraded values carry

    # -- output ---------------------------------------------------------------------------------------

    def out(self, text: str = "") -> None:
        self.env.stdout.write(text + "\n")

    def _style(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.colour else text

    def command(self, line: str, run: bool = True) -> None:
        if run:
            self.out(self._style("$ " + line, "1"))
        else:
            self.out(self._style("# not run (offline): " + line, "2"))

    def note(self, text: str) -> None:
        self.out(self._style("» " + text, "36"))

    def check(self, ok: bool, what: str, got: str = "") -> None:
        self.checks += 1
        if ok:
            self.out(self._style(f"  ✓ {what}", "32"))
        else:
            self.failures.append(f"{self.ns or 'offline'}: {what} (got {got})")
            self.out(self._style(f"  ✗ expected {what}, got {got}", "31;1"))

    def pause(self, prompt: str = "Press Enter for the next step (q to stop) ") -> None:
        if not self.interactive:
            return
        self.env.stdout.write(prompt)
        self.env.stdout.flush()
        answer = self.env.stdin.readline()
        if answer == "" or answer.strip().lower() in ("q", "quit"):
            self.quit = True
        self.out()

    # -- one scenario ---------------------------------------------------------------------------------

    def run_scenario(self, scenario: Dict[str, Any], position: str) -> None:
        self.ns = NAMESPACE_PREFIX + scenario["id"]
        self.dir = tempfile.mkdtemp(prefix=f"inject-lab-{scenario['id']}-")
        self.out(self._style(f"━━ Scenario {position} · {scenario['id']}: {scenario['title']}", "1;35"))
        self.out(f"   {scenario['teaches']}")
        self.out()
        created = False
        try:
            # explain's what-ifs against files name the lab's namespace too, not the embedded default's
            path = self._write("namespaces.yaml", edits.what_if_namespaces(self.ns, scenario["labels"]))
            self.note(f"the lab writes {path}: a --cluster-state file with namespace {self.ns} as the lab creates it, "
                      "for explain's what-ifs")
            if self.live:
                self._create_namespace(scenario)
                created = True
            for number, step in enumerate(scenario["steps"], 1):
                if self.quit:
                    break
                self.out(self._style(f"── Step {number}: {step['title']}", "1"))
                self.out(step["say"])
                try:
                    for action in step["do"]:
                        self.act(action)
                except _SkipStep as e:
                    self.note(f"skipped: {e}")
                self.out()
                self.pause()
        finally:
            if created and not self.keep:
                self.out(self._style("── Clean up", "1"))
                self.kubectl(["delete", "namespace", self.ns, "--timeout=180s"], fail=False)
            elif created:
                self.note(f"kept namespace {self.ns} (--keep); delete it with: kubectl delete namespace {self.ns}")
            if self.keep:
                self.note(f"kept the lab's files in {self.dir}")
            else:
                import shutil

                shutil.rmtree(self.dir, ignore_errors=True)
            self.out()

    def _create_namespace(self, scenario: Dict[str, Any]) -> None:
        existing = self._read_json(["get", "namespace", self.ns, "-o", "json"])
        if existing is not None:
            labels = (existing.get("metadata") or {}).get("labels") or {}
            if labels.get(manifests.OWNER_LABEL) != manifests.OWNER_VALUE:
                raise LabError(f"namespace {self.ns} exists and is not the lab's (it has no label "
                               f"{manifests.OWNER_LABEL}={manifests.OWNER_VALUE}): the lab changes only namespaces it "
                               "created; delete or rename that one yourself")
            self.note(f"namespace {self.ns} is left from an earlier lab run (it carries the lab's label): deleting it")
            self.kubectl(["delete", "namespace", self.ns, "--ignore-not-found", "--timeout=180s"])
        self._write("namespace.yaml", _dump(manifests.namespace(self.ns, scenario["labels"])))
        self.kubectl(["create", "-f", os.path.join(self.dir, "namespace.yaml")])
        deadline = time.monotonic() + 60      # its `default` ServiceAccount, which bare pods need, comes from kcm
        while self._read_json(["get", "serviceaccount", "default", "-n", self.ns, "-o", "json"]) is None:
            if time.monotonic() > deadline:
                raise LabError(f"namespace {self.ns} got no ServiceAccount default within 60 s "
                               "(is kube-controller-manager running?)")
            time.sleep(0.5)

    # -- actions --------------------------------------------------------------------------------------

    def fill(self, words: List[str]) -> List[str]:
        return [w.replace("{ns}", self.ns).replace("{dir}", self.dir) for w in words]

    def act(self, action: Dict[str, Any]) -> None:
        if "write" in action:
            text = manifests.render(action["write"], self.ns, self.node_name)
            path = self._write(action["write"] + ".yaml", text)
            self.out(self._style(f"# {path}", "2"))
            self.env.stdout.write(text)
        elif "kubectl" in action:
            if self.live:
                self.kubectl(self.fill(action["kubectl"]))
            else:
                self.command(_join(["kubectl"] + self.fill(action["kubectl"])), run=False)
        elif "pods" in action:
            self._pods(action)
        elif "inject" in action:
            self._inject(action)
        elif "fetch" in action:
            self._fetch(action)
        elif "edit" in action:
            self._edit(action)
        elif "upgrade_values" in action:
            source = os.path.join(self.dir, action["upgrade_values"])
            text, old, new = edits.upgraded_values(_read(source))
            path = self._write(action["to"], text)
            self.upgraded_tag = new
            self.note(f"the lab writes {path}: a copy of {action['upgrade_values']} with global.tag {old} → {new}, "
                      "what an in-place upgrade changes")
        elif "revision_only" in action:
            path = self._write(action["to"], edits.revision_only_state(action["revision_only"]))
            self.note(f"the lab writes {path}: a --cluster-state file with Istio installed only as revision "
                      f"{action['revision_only']} (its webhook configuration and injector)")
        elif "needs_crd" in action:
            if self.live and self._read_json(["get", "crd", action["needs_crd"], "-o", "json"]) is None:
                raise _SkipStep(f"cannot read the CustomResourceDefinition {action['needs_crd']}: Istio's CRDs are not "
                               "installed on this cluster, or you may not read CRDs")
        elif "upgrade" in action:
            self._upgrade()
        elif "try" in action:
            line = _join(["kubectl"] + self.fill(action["try"]) + self.conn)
            self.out(self._style(f"# try it yourself (the lab does not run it): {line}", "2"))
            if action.get("note"):
                self.note(action["note"])
        elif "note" in action or "note_offline" in action:
            text = action.get("note") if self.live else action.get("note_offline", action.get("note"))
            if text:
                self.note(text)
        else:
            raise LabError(f"a lab step has an action this version does not know: {sorted(action)}")

    def kubectl(self, args: List[str], fail: bool = True, to: Optional[str] = None) -> int:
        argv = args + self.conn
        self.command(_join(["kubectl"] + argv) + (f" > {to}" if to else ""))
        try:
            proc = subprocess.run([self.kubectl_path] + argv, capture_output=True, text=True,
                                  timeout=KUBECTL_TIMEOUT, env=self._subprocess_env(), stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise LabError(f"`kubectl {_join(argv)}` did not finish within {KUBECTL_TIMEOUT} s") from None
        if to:
            with open(to, "w", encoding="utf-8") as fh:
                fh.write(proc.stdout)
        else:
            self.env.stdout.write(proc.stdout)
        if proc.stderr:
            self.env.stderr.write(proc.stderr)
        if proc.returncode != 0 and fail:
            raise LabError(f"`kubectl {_join(argv)}` failed (exit {proc.returncode})")
        return proc.returncode

    def _read_json(self, args: List[str]) -> Optional[Any]:
        """A read the lab does for itself (not printed): the parsed output, or None when kubectl failed."""
        proc = subprocess.run([self.kubectl_path] + args + self.conn, capture_output=True, text=True,
                              timeout=KUBECTL_TIMEOUT, env=self._subprocess_env(), stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            return None
        try:
            return json.loads(proc.stdout)
        except ValueError:
            return None

    def _subprocess_env(self) -> Dict[str, str]:
        environ = dict(os.environ)
        environ.update(self.env.environ)
        return environ

    def _write(self, name: str, text: str) -> str:
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        return path

    def _pods(self, action: Dict[str, Any]) -> None:
        selector = action["pods"]
        if not self.live:
            self.command(_join(["kubectl", "get", "pods", "-n", self.ns, "-l", selector]), run=False)
            self.note(f"on a cluster: {action['offline']}")
            return
        deadline = time.monotonic() + SETTLE_TIMEOUT
        while True:      # old pods of a restart go on Terminating for a while: wait for them to go
            pods = (self._read_json(["get", "pods", "-n", self.ns, "-l", selector, "-o", "json"]) or {}).get("items") or []
            settled = pods and not any(p["metadata"].get("deletionTimestamp") for p in pods)
            if (settled and all(ready_column(p) == action["ready"] for p in pods)) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        self.kubectl(["get", "pods", "-n", self.ns, "-l", selector])
        got = sorted({ready_column(p) for p in pods}) if pods else ["no pods"]
        self.check(got == [action["ready"]], f"READY {action['ready']} for the pods of {selector}", ", ".join(got))

    def _inject(self, action: Dict[str, Any]) -> None:
        from ..cli import main

        if self.live:
            words = self.fill(action["inject"])
            if "--cluster-state" not in words:
                words += self.conn
            expect = action.get("expect")
        elif action.get("offline") is not None or action.get("what_if"):
            words = self.fill(action.get("offline") or action["inject"])
            expect = action.get("expect_offline", action.get("expect"))
        else:
            return
        if action.get("what_if"):
            self.note("a what-if: explain reads the files given; nothing on the cluster changes")
        self.command(_join(["kubectl", "inject"] + words))
        status = main(list(words), self.env)
        if status not in (0, 1):
            raise LabError(f"`kubectl inject {_join(words)}` failed (exit {status})")
        if expect:
            self._expect(words, expect)

    def _plugin_json(self, words: List[str]) -> Any:
        from ..cli import main
        from ..env import Environment

        words = _without_output(words) + ["-o", "json"]
        out, err = io.StringIO(), io.StringIO()
        status = main(words, Environment(stdin=io.StringIO(""), stdout=out, stderr=err, environ=self.env.environ,
                                         stdout_isatty=False))
        if status not in (0, 1):
            raise LabError(f"`kubectl inject {_join(words)}` failed (exit {status}): {err.getvalue().strip()}")
        return json.loads(out.getvalue())

    def _expect(self, words: List[str], expect: Dict[str, Any]) -> None:
        items = self._plugin_json(words)["items"]
        if "findings" in expect:
            by_name = {i["workload"]["name"]: sorted(f["code"] for f in i["findings"]) for i in items}
            for name, codes in expect["findings"].items():
                got = by_name.get(name)
                self.check(got == sorted(codes), f"{name}: {', '.join(codes) or 'no findings'}",
                           "no such workload" if got is None else (", ".join(got) or "no findings"))
            return
        item = items[0] if items else {}
        verdict = item.get("verdict", "nothing explained")
        if "verdict" in expect:
            self.check(verdict == expect["verdict"], _shout(expect["verdict"]), _shout(verdict))
        if "rule" in expect:
            rule = (item.get("decidedBy") or {}).get("rule", "none")
            self.check(rule == expect["rule"], f"rule {expect['rule']}", f"rule {rule}")
        if "warning" in expect:
            codes = [w["code"] for w in item.get("warnings") or []]
            self.check(expect["warning"] in codes, f"warning {expect['warning']}", ", ".join(codes) or "no warnings")
        if "live_findings" in expect:
            codes = sorted(f["code"] for f in ((item.get("live") or {}).get("findings") or []))
            self.check(codes == sorted(expect["live_findings"]), "running pods: " + ", ".join(expect["live_findings"]),
                       ", ".join(codes) or "no findings")

        if expect.get("proxy_upgraded"):
            images = sorted(set(_proxy_images(item.get("patch") or [])))
            want = f":{self.upgraded_tag}"
            self.check(bool(images) and all(i.endswith(want) for i in images),
                       f"the injected istio-proxy image ends with {want}", ", ".join(images) or "no istio-proxy")

    def _fetch(self, action: Dict[str, Any]) -> None:
        key = action["fetch"]
        if not self.live:
            if key == "values":
                path = self._write(action["to"], edits.embedded_values())
                self.note(f"offline: the embedded injector's values, written to {path}")
            return
        namespace, name = DEFAULT_INJECTOR
        if self._read_json(["get", "configmap", name, "-n", namespace, "-o", "json"]) is None:
            raise _SkipStep(f"this cluster has no {namespace}/{name} (the default revision's injector), which "
                            "--inject-config and --values replace; the what-if needs it")
        path = os.path.join(self.dir, action["to"])
        self.kubectl(["get", "configmap", name, "-n", namespace, "-o", "jsonpath={.data.%s}" % key], to=path)

    def _edit(self, action: Dict[str, Any]) -> None:
        what = edits.CONFIG_EDITS[action["edit"]][0]
        if self.live:
            source = os.path.join(self.dir, action["from"])
            try:
                text = edits.edited_config(_read(source), action["edit"])
            except (OSError, ValueError) as e:
                raise _SkipStep(f"the injector's config could not be read from {source}: {e}") from None
            path = self._write(action["to"], text)
            self.note(f"the lab writes {path}: a copy of {action['from']} with {what}")
        else:
            path = self._write(action["offline_to"], edits.offline_injector_state(action["edit"]))
            self.note(f"the lab writes {path}: the embedded injector's ConfigMap (a --cluster-state file) with {what}")

    def _upgrade(self) -> None:
        if self.live:
            self.pause("Upgrade the control plane now if this is a workshop cluster, then press Enter "
                       "(or just press Enter for the what-if) ")
            words = ["status", "-n", self.ns] + self.conn
            items = self._plugin_json(words)["items"]
            stale = any(f["code"] == "stale-proxy" for i in items for f in i["findings"])
        else:
            stale = False
        if stale:
            self.note("the injector now injects another proxy than the running pods have: the upgrade happened")
        elif self.live:
            self.note("the injector still injects the proxy the pods run: nobody upgraded, so here is the what-if")
        for action in UPGRADED if stale else NOT_UPGRADED:
            self.act(action)


def ready_column(pod: Dict[str, Any]) -> str:
    """kubectl get pods' READY: ready/total over the containers and the restartable (native sidecar) init containers."""
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    native = {c["name"] for c in spec.get("initContainers") or [] if c.get("restartPolicy") == "Always"}
    total = len(spec.get("containers") or []) + len(native)
    ready = sum(1 for c in status.get("containerStatuses") or [] if c.get("ready"))
    ready += sum(1 for c in status.get("initContainerStatuses") or []
                 if c.get("name") in native and c.get("ready") and c.get("started"))
    return f"{ready}/{total}"


def _connection_flags(args) -> List[str]:
    """The connection flags the user gave, spelled as kubectl (and this plugin) take them."""
    flags: List[str] = []
    for attr, flag in (("kubeconfig", "--kubeconfig"), ("context", "--context"), ("cluster", "--cluster"),
                       ("user", "--user"), ("server", "--server"), ("token", "--token"),
                       ("certificate_authority", "--certificate-authority"),
                       ("client_certificate", "--client-certificate"), ("client_key", "--client-key"),
                       ("tls_server_name", "--tls-server-name"), ("as_user", "--as"), ("as_uid", "--as-uid")):
        value = getattr(args, attr, None)
        if value:
            flags += [flag, value]
    if getattr(args, "insecure_skip_tls_verify", False):
        flags.append("--insecure-skip-tls-verify")
    for group in getattr(args, "as_group", None) or []:
        flags += ["--as-group", group]
    timeout = getattr(args, "request_timeout", "0")
    if timeout and timeout != "0":
        flags += ["--request-timeout", timeout]
    return flags


def _without_output(words: List[str]) -> List[str]:
    out, skip = [], False
    for w in words:
        if skip:
            skip = False
        elif w in ("-o", "--output"):
            skip = True
        elif not w.startswith(("-o=", "--output=")):
            out.append(w)
    return out


def _join(words: List[str]) -> str:
    """A command line as printed: a `--token` value shows as REDACTED (as `kubectl config view` shows tokens),
    so a lab run on a projector or in a CI log does not give the credential away."""
    shown = ["REDACTED" if i and words[i - 1] == "--token" else
             "--token=REDACTED" if w.startswith("--token=") else w for i, w in enumerate(words)]
    return " ".join(shlex.quote(w) for w in shown)


def _dump(obj: Any) -> str:
    from simulator.yamlio.write import dump

    return dump(obj)


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def _shout(verdict: str) -> str:
    """A verdict as the RESULT line says it: NOT INJECTED."""
    return verdict.upper().replace("-", " ")


def _proxy_images(value: Any) -> List[str]:
    """The images of the istio-proxy containers anywhere in a JSON patch."""
    found: List[str] = []
    if isinstance(value, dict):
        if value.get("name") == "istio-proxy" and isinstance(value.get("image"), str):
            found.append(value["image"])
        for v in value.values():
            found += _proxy_images(v)
    elif isinstance(value, list):
        for v in value:
            found += _proxy_images(v)
    return found
