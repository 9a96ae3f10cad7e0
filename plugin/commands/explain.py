"""`kubectl inject explain`: simulate admission for the objects in the input and explain which rule decided.

The command loads the cluster state and the input documents, schedules the explainable ones (in
forked workers for large inputs), reports each bad document on stderr as one line and prints the rest
with the chosen printer. Deciding is the engine's (`simulator`); wording is the printers'.
"""
from __future__ import annotations

import argparse
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional

    from ..env import Environment

from simulator.records import Record

from ..exitcodes import ExitStatus

HELP = "simulate admission for objects (a file, or live ones) and explain the result"
EXAMPLES = """examples:
  kubectl inject explain -f httpbin.yaml                       # namespace "default": not injected, and why
  kubectl inject explain -f k8s/ -n mesh -o json               # a directory, the explanation as data
  kubectl inject explain -f app.yaml --ns-label istio-injection=enabled   # what if the namespace were labeled?
  kubectl inject explain -f app.yaml -n mesh -o pod            # the injected manifest, as istioctl kube-inject prints it
  kubectl get deploy web -o yaml | kubectl inject explain -f - --cluster-state snapshot.yaml
  kubectl inject explain deployment/httpbin -n shop           # a live object: its template, and what its pods have
  kubectl inject explain -l app=web -A -o json                # the live workloads of the pods with these labels
"""


def add_parser(sub, formatter_class) -> argparse.ArgumentParser:
    from ..printers import FORMATS

    ex = sub.add_parser("explain", formatter_class=formatter_class, help=HELP, epilog=EXAMPLES,
                        description="Simulate kube-apiserver webhook selection and Istio's injector for each pod "
                                    "(or pod template) in the input,\nand explain which rule decided.")
    ex.add_argument("targets", nargs="*", metavar="TYPE/NAME",
                    help="objects of the live cluster: pod/NAME, deployment/NAME, statefulset/NAME, daemonset/NAME, "
                         "job/NAME, cronjob/NAME, …")
    ex.add_argument("-f", "--filename", action="append", default=[], metavar="PATH",
                    help="file, directory or - for stdin (repeatable)")
    ex.add_argument("-l", "--selector", metavar="SELECTOR",
                    help="the live cluster's workloads whose pods, or which themselves, have these labels "
                         "(as kubectl get pods,deploy,sts,ds,cronjob,job,rs,rc -l)")
    ex.add_argument("-A", "--all-namespaces", action="store_true", help="with -l: every namespace")
    ex.add_argument("-R", "--recursive", action="store_true",
                    help="read the directories given with -f recursively (as kubectl: one level otherwise)")
    ex.add_argument("-n", "--namespace", help="namespace the objects are created in (default: the object's own, else 'default')")
    ex.add_argument("-o", "--output", default="text", choices=FORMATS, help="output format (default: text)")
    ex.add_argument("--cluster-state", action="append", default=[], metavar="PATH",
                    help="Kubernetes objects as `kubectl get -o yaml` prints them (file or directory, repeatable); "
                         "each kind given replaces the embedded default's objects of that kind")
    ex.add_argument("--ns-label", action="append", default=[], metavar="KEY=VALUE|KEY-",
                    help="what-if: set (k=v) or remove (k-) a label on the target namespace (repeatable)")
    ex.add_argument("--exit-code", action="store_true", help="exit 1 when any object would not be injected")
    ex.add_argument("--no-color", action="store_true", help="no colour, even on a terminal (as NO_COLOR=1)")
    ex.add_argument("--inject-config", metavar="FILE", help="the injector's `config` (as istioctl kube-inject "
                    "--injectConfigFile takes it); replaces the default revision's injector configuration")
    ex.add_argument("--values", metavar="FILE", help="the injector's `values` (istioctl --valuesFile)")
    ex.add_argument("--mesh-config", metavar="FILE", help="the mesh configuration (istioctl --meshConfigFile)")
    ex.add_argument("--istio-release", metavar="DIR", help="an Istio release directory (istio-1.x.y/) or its "
                    "istio-discovery chart: the injector and mesh ConfigMaps are assembled from it as Helm would")
    ex.add_argument("--set", action="append", default=[], metavar="PATH=VALUE", dest="set_flags",
                    help="with --istio-release: override a chart value, as `istioctl --set` does (repeatable)")
    from ..kube.flags import add_connection_flags

    add_connection_flags(ex)
    return ex


class ExplainedItem(Record):
    _fields = ("document", "explanation", "error", "object_ref", "origins", "verdict", "rendered", "live")

    def __init__(self, document: Any, explanation: Any = None, error: Optional[str] = None,
                 object_ref: Optional[Dict[str, Any]] = None, origins: Optional[Dict[str, str]] = None,
                 verdict: Optional[str] = None, rendered: Any = None, live: Optional[Dict[str, Any]] = None):
        self.document = document
        self.explanation = explanation
        self.error = error
        self.object_ref = object_ref if object_ref is not None else {}
        self.origins = origins if origins is not None else {}
        self.verdict = verdict  # None: the document was not explained
        self.rendered = rendered      # its output (a printers.structured.Fragment), when already made
                                      # where it was explained; the explanation is then None
        self.live = live              # for an object of the live cluster: its pods and findings (as status)


def run(args, env: Environment) -> int:
    if args.no_color:
        env = env.replace(environ=dict(env.environ, NO_COLOR="1"))
    from simulator.kube.labels import label_key_error, label_value_error

    from ..state.sources import parse_ns_labels

    status = ExitStatus.OK
    try:
        ns_labels = parse_ns_labels(args.ns_label)
    except ValueError as e:
        _error(env, str(e))
        return ExitStatus.ERROR
    for k, v in ns_labels.items():
        problem = label_key_error(k) or (label_value_error(v) if v is not None else None)
        if problem:
            _error(env, f"--ns-label {k}: {problem}")
            return ExitStatus.ERROR

    if "-" in args.filename and "-" in args.cluster_state:
        _error(env, "only one of -f and --cluster-state can read stdin")
        return ExitStatus.ERROR
    got = _load(args, env)
    if isinstance(got, int):
        return got
    pieces = got[4]
    try:
        return _run(args, env, status, ns_labels, *got)
    finally:
        if not isinstance(pieces, list):
            pieces.close()    # a streamed input's copies of pipes (inputs.Spool), if the run ended early


def _run(args, env, status, ns_labels, state, index, state_problems, state_loaded, pieces, choice, targets) -> int:
    from simulator import EngineCache, Options

    from ..diagnostics import validate_state
    from ..state.sources import apply_config_files, apply_release

    # `pieces`: the input read whole (a list of one Loaded), or read as it is explained (inputs.Streamed)
    whole = pieces[0] if isinstance(pieces, list) else None
    try:
        if args.istio_release:
            state = apply_release(state, args.istio_release, args.set_flags)
        elif args.set_flags:
            raise ValueError("--set needs --istio-release")
        flag_notes: List[str] = []
        state = apply_config_files(state, args.inject_config, args.values, args.mesh_config, flag_notes)
    except (OSError, ValueError) as e:
        _error(env, str(e))
        return ExitStatus.ERROR
    for note in flag_notes:   # the file given with the flag is to blame, not the ConfigMap it replaced
        _error(env, note)
        status = ExitStatus.ERROR
    for p in state_problems:
        _error(env, str(p))
        status = ExitStatus.ERROR
    from ..state.applied import apply_namespaces

    # a streamed input's Namespace documents were found by a first pass (inputs.namespace_documents)
    state, applied_notes, refused_namespaces = apply_namespaces(state, whole.documents if whole else pieces.namespaces)
    refused_ids = {(doc.file, doc.index, doc.item) for doc, _, _ in refused_namespaces}
    for doc, field, message in refused_namespaces:
        _error(env, f"{doc.where()}: field {field}: {message}")
        status = ExitStatus.ERROR
    from plugin.runtime.treecache import DiskTreeCache

    # One cache for the whole run (validation, every object, the bulk workers it forks): what is derived
    # from the state is derived once; Go template parse trees are also kept on disk for the next run.
    cache = EngineCache(trees=DiskTreeCache.for_environment(env.environ))
    checked = (("istio-system", "istio-sidecar-injector"),) if args.inject_config else ()
    for message in validate_state(state, index, state_loaded, cache, checked):
        _error(env, message)
        status = ExitStatus.ERROR

    if args.output == "kube-inject":   # manual injection: no namespace, webhook or policy of the cluster
        from ..printers.manual import print_kube_inject

        done = print_kube_inject(args.filename, env.stdin, args.recursive, state, cache, env)
        return done if status == ExitStatus.OK else status

    # -o pod prints manifests the way `istioctl kube-inject` does: without the server's defaults
    options = Options(namespace_labels=ns_labels, hints=args.output in ("text", "json", "yaml", "html"),
                      admission_defaults=args.output != "pod", manifest=args.output == "pod")
    from ..printers import open_printer

    # kubectl puts an object without a namespace into the context's namespace; offline, into "default"
    default_namespace = choice.connection.namespace if choice.connection is not None else "default"
    origins = dict(state.origins)
    finish = None     # json and pod are written where they are explained: in bulk runs, by the workers
    if args.output == "json" and targets is None:
        import functools

        from ..printers.structured import json_fragment

        finish = functools.partial(json_fragment, origins)
    elif args.output == "pod":
        from ..printers.structured import pod_fragment

        finish = pod_fragment
    if choice.note and args.output == "text":
        env.stdout.write(f"note: {choice.note}\n\n")
    printer = open_printer(args.output, env, args)
    skipped: List[str] = []
    any_input = not_injected = False
    from ..printers.progress import for_env

    progress = for_env(env).counter("explaining") if whole is None else None   # on a terminal's stderr only
    differing: List[str] = []     # -o pod: where the cluster's answer and kube-inject's differ
    if args.output == "pod":
        from ..printers.manual import differences
    for loaded in pieces:   # each piece is explained and printed before the next is read
        for p in loaded.problems:
            _error(env, str(p))
            status = ExitStatus.ERROR
        any_input = any_input or bool(loaded.documents or loaded.problems)
        items, piece_status = _explain_piece(args, env, loaded, state, options, cache, finish, origins, targets,
                                             default_namespace, refused_ids, skipped, progress)
        status = piece_status if piece_status != ExitStatus.OK else status
        explained = [i for i in items if i.verdict is not None]
        not_injected = not_injected or any(i.verdict != "injected" for i in explained)
        printer.write(items if args.output == "pod" else explained)
        if args.output == "pod":
            differing.extend(differences(items, state, cache))
        if whole is None:
            _flush(env)    # a program reading through a pipe sees this piece's output now
        del items, explained
    for line in applied_notes + skipped:
        env.stderr.write(f"note: {line}\n")
    for line in differing:
        env.stderr.write(f"warning: {line}\n")
    printer.close()
    if status == ExitStatus.OK and args.exit_code and not_injected:
        return ExitStatus.NOT_INJECTED
    if not any_input:
        _error(env, "no workloads found with those labels" if args.selector else "no objects found in the input")
        return ExitStatus.ERROR
    return status


def _explain_piece(args, env, loaded, state, options, cache, finish, origins, targets, default_namespace,
                   refused_ids, skipped: List[str], progress=None):
    """(the piece's items in input order, ERROR if one of its documents was reported, else OK): its
    documents explained (in forked workers when many), each refused one reported on stderr; notes for
    the end go to `skipped`.  `progress`: a streamed input's one counter (its total unknown), else the
    piece (the whole input) gets its own."""
    from simulator.kube.creatable import creation_error
    from simulator.kube.objects import INJECTABLE_KINDS, has_generic_pod_template, name_of, namespace_of, pod_template_path

    from ..diagnostics import describe_error
    from ..printers.progress import for_env
    from ..runtime.bulk import Work, explain_all, workers_for

    status = ExitStatus.OK
    slots: List[Any] = []    # per document: an ExplainedItem, a job position, or None (refused)
    jobs = []
    for doc in loaded.documents:
        kind = doc.obj.get("kind")
        if kind == "Namespace":   # applied to the state above (or refused)
            slots.append(None if (doc.file, doc.index, doc.item) in refused_ids else
                         ExplainedItem(doc, None, None, {"kind": kind, "name": name_of(doc.obj)}))
            continue
        if kind not in INJECTABLE_KINDS:
            generic = has_generic_pod_template(doc.obj)
            if kind == "List" and doc.item is None:      # one with no items (inputs.py)
                skipped.append(f"{doc.where()}: an empty List: nothing to explain")
            elif not generic:
                skipped.append(f"{doc.where()}: {kind} {name_of(doc.obj)} skipped (not a Pod or a workload with a pod template)")
            elif args.output == "pod":
                # istioctl kube-inject passes a kind it does not know through as written
                skipped.append(f"{doc.where()}: {kind} {name_of(doc.obj)} printed as written (istioctl kube-inject "
                               "does not inject a kind it does not know); explain its pods without -o pod")
            if not generic or args.output == "pod":
                slots.append(ExplainedItem(doc, None, None, {"kind": kind, "name": name_of(doc.obj)}))
                continue
            skipped.append(f"{doc.where()}: {kind} {name_of(doc.obj)} treated as a workload: its spec.template is a pod template")
        namespace = args.namespace or namespace_of(doc.obj) or default_namespace
        if args.namespace and namespace_of(doc.obj) and namespace_of(doc.obj) != args.namespace:
            _error(env, f"{doc.where()}: the object's namespace \"{namespace_of(doc.obj)}\" does not match -n \"{args.namespace}\"")
            status = ExitStatus.ERROR
            slots.append(None)
            continue
        slots.append(len(jobs))
        jobs.append((doc, namespace))
    counter = progress if progress is not None else for_env(env).counter("explaining", len(jobs))
    results = explain_all(Work(jobs, state, options, cache, finish), workers_for(len(jobs), env.environ),
                          counter)     # on a terminal's stderr only
    items: List[ExplainedItem] = []
    for doc, slot in zip(loaded.documents, slots):
        if slot is None or isinstance(slot, ExplainedItem):
            if slot is not None:
                items.append(slot)
            continue
        result, problem = results[slot]
        if problem is not None:
            _error(env, describe_error(doc, problem, loaded))
            status = ExitStatus.ERROR
            continue
        if finish is not None:
            item = ExplainedItem(doc, None, None, result.object, origins, result.verdict, result)
            rejection = result.rejection
        else:
            item = ExplainedItem(doc, result, None, result.object, origins, result.verdict.value,
                                 live=targets.live_for(doc, result) if targets is not None else None)
            rejection = result.decided_by.detail.get("message")
        items.append(item)
        kind = doc.obj.get("kind")
        if item.verdict == "rejected":
            _error(env, f"{doc.where()}: {kind} {name_of(doc.obj)} would be rejected: {rejection}")
            status = ExitStatus.ERROR
        if result.manifest_error is not None:   # -o pod: istioctl kube-inject stops with this error
            _error(env, f"{doc.where()}: {kind} {name_of(doc.obj)}: istioctl kube-inject refuses it: "
                        f"{result.manifest_error}")
            status = ExitStatus.ERROR
        elif args.output == "pod":   # kube-inject prints it; kubectl apply would then be refused
            refused = creation_error(doc.obj, pod_template_path(kind))
            if refused is not None:
                skipped.append(describe_error(doc, refused, loaded).replace(
                    ": field ", ": kube-apiserver would refuse it: field ", 1))
    return items, status


def _load(args, env: Environment):
    """(state, index, state problems, state documents, the input (a list of one Loaded, or an
    inputs.Streamed: the STREAMED outputs, when inputs.streamable says the pieces read the same), choice,
    live targets or None), or the exit status. Where the state comes from: plugin/state/choice.py. Live
    targets (TYPE/NAME, -l) and -f against a live cluster read the inputs first: their namespaces decide
    which namespaced objects are read."""
    from ..inputs import Loaded, Streamed, read_sources, read_streamable
    from ..kube.kubeconfig import KubeconfigError
    from ..state.choice import LIVE, choose
    from ..state.sources import load_cluster_state

    wants_live = bool(args.targets or args.selector)
    if not (args.filename or wants_live):
        _error(env, "nothing to explain: give -f FILE, TYPE/NAME (a live object) or -l SELECTOR")
        return ExitStatus.ERROR
    if wants_live and args.filename:
        _error(env, "explain takes either -f FILE or objects of the live cluster (TYPE/NAME, -l), not both")
        return ExitStatus.ERROR
    if args.all_namespaces and (args.targets or not args.selector):
        _error(env, "-A goes with -l SELECTOR (TYPE/NAME names objects of one namespace)")
        return ExitStatus.ERROR
    try:
        choice = choose(args, env.environ)
        if wants_live and choice.mode != LIVE:
            why = ("--offline contacts no cluster" if args.offline else "--cluster-state contacts no cluster"
                   if args.cluster_state else choice.note.split(": using")[0])
            raise KubeconfigError(f"TYPE/NAME and -l explain objects of a live cluster, and there is none: {why}")
    except KubeconfigError as e:
        _error(env, str(e))
        return ExitStatus.ERROR
    if wants_live:
        from ..workloads.targets import live_explain_inputs

        got = live_explain_inputs(args, env, choice)
        if isinstance(got, int):
            return got
        targets, loaded = got
        return targets.state, targets.index, [], Loaded(documents=list(targets.index.values())), [loaded], choice, targets
    if choice.mode == LIVE:
        if args.output in STREAMED:    # a first pass finds the namespaces the state is read for
            loaded = read_streamable(args.filename, env.stdin, args.recursive, spaces=True,
                                     keep_raw=args.output == "pod")
        elif args.output == "kube-inject":     # read as it is injected (printers/manual.py)
            loaded = Loaded()
        else:
            loaded = read_sources(args.filename, env.stdin, keep_raw=args.output == "pod", recursive=args.recursive)
        from ..state.choice import load_live

        try:
            got = load_live(args, env, choice, _namespaces(args, loaded, choice.connection.namespace))
        except BaseException:
            if isinstance(loaded, Streamed):
                loaded.close()
            raise
        if isinstance(got, int):
            if isinstance(loaded, Streamed):
                loaded.close()
            return got
        return got + (loaded if isinstance(loaded, Streamed) else [loaded], choice, None)
    from ..state.sources import StateLoadError

    try:
        state, index, problems, state_loaded = load_cluster_state(args.cluster_state, env.stdin)
    except StateLoadError as e:
        for line in e.lines:
            _error(env, line)
        return ExitStatus.ERROR
    if args.output in STREAMED:
        got = read_streamable(args.filename, env.stdin, args.recursive, keep_raw=args.output == "pod")
        return state, index, problems, state_loaded, got if isinstance(got, Streamed) else [got], choice, None
    if args.output == "kube-inject":     # read as it is injected (printers/manual.py)
        return state, index, problems, state_loaded, [Loaded()], choice, None
    loaded = read_sources(args.filename, env.stdin, keep_raw=args.output == "pod", recursive=args.recursive)
    return state, index, problems, state_loaded, [loaded], choice, None


#: The outputs written piece by piece (-o pod's pieces cut only where the documents' texts are those a
#: whole read gives, inputs.iter_sources).  The others need every item at once: yaml (PyYAML's anchors
#: and aliases reach across items), html and svg pages.
STREAMED = ("json", "text", "patch", "pod")


def _namespaces(args, loaded, default: str) -> List[str]:
    """The namespaces the input's objects go to (a Streamed input's first pass named them)."""
    from simulator.kube.objects import namespace_of

    named = loaded.spaces if hasattr(loaded, "spaces") else {namespace_of(d.obj) for d in loaded.documents}
    return sorted({args.namespace or n or default for n in named} or {default})


def _flush(env: Environment) -> None:
    """Flush stdout between pieces when a program reads it through a pipe, so that it sees each piece's
    output as soon as it is made.  Files and terminals are left to the buffer (bounded either way)."""
    import os
    import stat

    stream = getattr(env.stdout, "_stream", None)
    try:
        if not stat.S_ISFIFO(os.fstat(stream.fileno()).st_mode):
            return
    except (AttributeError, OSError, ValueError):   # not a file (a test's StringIO), or closed
        return
    env.stdout.flush()


def _error(env: Environment, message: str) -> None:
    from ..printers.words import one_line

    env.stderr.write(f"error: {one_line(message)}\n")
