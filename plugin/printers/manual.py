"""`-o kube-inject`: what `istioctl kube-inject -f FILE` prints for each input file, byte for byte, and the
one-line warnings `-o pod` gives where the cluster's answer and kube-inject's differ.

`-o pod` is what the cluster would run (the webhook's verdict, in kube-inject's format); `-o kube-inject`
is manual injection, which asks no namespace label or webhook (simulator/manual.py says why they differ).
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, List, Optional

from ..exitcodes import ExitStatus


#: Documents handed to the workers at a time: a file is read in batches of this many, so that what is held
#: (the batch's texts and outputs) does not grow with the file, and forking is paid once per batch.
BATCH = 1024


def print_kube_inject(paths, stdin, recursive: bool, state, cache, env) -> int:
    """Each file the paths name through kube-inject, in order: its output, its "===> Skipping injection"
    lines on stderr, and where istioctl would stop, one error line naming the file (the next file is
    still done, as a new `istioctl kube-inject -f` would be).  Files are read as istioctl reads them,
    document by document (no file is held whole, none is parsed beyond what kube-inject parses)."""
    from simulator.manual import ManualInjectionUnavailable, kube_inject_config

    from ..inputs import InputProblem, input_files

    try:
        config = kube_inject_config(state, cache)
    except ManualInjectionUnavailable as e:
        env.stderr.write(f"error: {e}\n")
        return ExitStatus.ERROR
    status = ExitStatus.OK
    files = 0
    for file, opened in input_files(paths, stdin, recursive):
        files += 1
        if isinstance(opened, InputProblem):
            env.stderr.write(f"error: {opened}\n")
            status = ExitStatus.ERROR
            continue
        with opened as fh:
            error = _inject_file(fh, config, cache, env)
        if error is not None:
            from .words import one_line

            env.stderr.write(f"error: {file}: istioctl kube-inject stops here: {one_line(str(error))}\n")
            status = ExitStatus.ERROR
    if not files:
        env.stderr.write("error: no objects found in the input\n")
        return ExitStatus.ERROR
    return status


def _inject_file(fh, config, cache, env) -> Optional[str]:
    """One file's documents, read in batches, injected on every core (runtime/bulk.py) and written as
    each is ready, in order, up to the first error (returned); its warnings go to stderr after its output,
    as istioctl's."""
    from itertools import islice

    from simulator.manual import manual_context, manual_document, manual_warnings
    from simulator.yamlio.reader import SeparatorError, file_lines, iter_documents

    from ..runtime.bulk import in_order, workers_for

    context, error = manual_context(config, cache)
    warnings: List[str] = []
    documents = iter_documents(file_lines(fh))
    while context is not None and error is None:
        batch: List[str] = []
        stop = None     # where the reader stops, once the batch read before it is done
        try:
            batch.extend(islice(documents, BATCH))
        except SeparatorError as e:
            stop = str(e)
        except (OSError, UnicodeDecodeError) as e:
            stop = f"cannot read: {e}"
        if batch:
            results = in_order(lambda i, _b=batch: manual_document(_b[i], config, context), len(batch),
                               workers_for(len(batch), env.environ))
            try:
                for out, warns, error in results:
                    env.stdout.write(out)
                    warnings.extend(warns)
                    if error is not None:
                        break
            finally:
                results.close()     # istioctl reads nothing after an error: the workers stop
        if error is None:
            error = stop
        if len(batch) < BATCH:
            break
    env.stderr.write(manual_warnings(warnings))
    return error


def differences(items, state, cache) -> List[str]:
    """One warning per document the cluster would leave without a sidecar that kube-inject would inject.
    A rejected pod gets none: its error already says the cluster would not run it at all.  And one per
    item of a typed list (PodList, DeploymentList) that the cluster injects: kube-inject expands only
    `kind: List`."""
    from simulator.manual import ManualInjectionUnavailable, kube_inject_config, kube_inject_injects

    config: Optional[Any] = None
    lines = []
    for item in items:
        doc = item.document
        if doc is None or item.verdict in (None, "rejected"):
            continue
        typed = doc.parent is not None and doc.parent.get("kind") != "List"
        if item.verdict == "injected" and not typed:
            continue
        if config is None:
            try:
                config = kube_inject_config(state, cache, real=False)
            except ManualInjectionUnavailable:
                return lines
        if typed:       # kube-inject leaves a PodList (any typed list) as written: it injects none of it
            if item.verdict == "injected":
                ref, listed = item.object_ref, doc.parent.get("kind")
                lines.append(f"{doc.where()}: {doc.obj.get('kind')} {ref.namespace}/{ref.name}: -o pod prints it "
                             f"with a sidecar, as the cluster would run it (kubectl creates each item of a "
                             f"{listed}), but istioctl kube-inject prints a {listed} as written; -o kube-inject "
                             "prints istioctl's result")
            continue
        if not kube_inject_injects(doc.obj, config):
            continue
        ref = item.object_ref
        name = f"{ref.namespace}/{ref.name}"
        why = (f"the injector ignores namespace \"{ref.namespace}\"; kube-inject checks the pod template's own, "
               "empty, namespace" if _ignored(ref) else "kube-inject asks no namespace label or webhook")
        lines.append(f"{doc.where()}: {doc.obj.get('kind')} {name}: -o pod prints it without a sidecar, as the "
                     f"cluster would run it, but istioctl kube-inject would inject it ({why}); -o kube-inject "
                     "prints istioctl's result")
    return lines


def _ignored(ref) -> bool:
    from simulator.manual import ignored_by_injector

    return ignored_by_injector(ref.namespace)
