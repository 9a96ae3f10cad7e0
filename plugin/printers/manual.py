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


def print_kube_inject(loaded, state, cache, env) -> int:
    """Each file of the input through kube-inject, in order: its output, its "===> Skipping injection"
    lines on stderr, and where istioctl would stop, one error line naming the file (the next file is
    still done, as a new `istioctl kube-inject -f` would be)."""
    from simulator.manual import ManualInjectionUnavailable, kube_inject_config

    try:
        config = kube_inject_config(state, cache)
    except ManualInjectionUnavailable as e:
        env.stderr.write(f"error: {e}\n")
        return ExitStatus.ERROR
    status = ExitStatus.OK
    for file, text in loaded.texts.items():
        error = _inject_file(text, config, cache, env)
        if error is not None:
            env.stderr.write(f"error: {file}: istioctl kube-inject stops here: {error}\n")
            status = ExitStatus.ERROR
    return status


def _inject_file(text: str, config, cache, env) -> Optional[str]:
    """One file's documents, injected on every core (runtime/bulk.py) and written as each is ready, in
    order, up to the first error (returned); its warnings go to stderr after its output, as istioctl's."""
    from simulator.manual import manual_document, manual_documents, manual_warnings

    from ..runtime.bulk import in_order, workers_for

    context, raws, refused = manual_documents(text, config, cache)
    warnings: List[str] = []
    error = None
    if context is not None:
        results = in_order(lambda i: manual_document(raws[i], config, context), len(raws),
                           workers_for(len(raws), env.environ))
        try:
            for out, warns, error in results:
                env.stdout.write(out)
                warnings.extend(warns)
                if error is not None:
                    break
        finally:
            results.close()     # istioctl reads nothing after an error: the workers stop
    env.stderr.write(manual_warnings(warnings))
    return error if error is not None else refused


def differences(items, state, cache) -> List[str]:
    """One warning per document the cluster would leave without a sidecar that kube-inject would inject."""
    from simulator.manual import ManualInjectionUnavailable, kube_inject_config, kube_inject_injects

    config: Optional[Any] = None
    lines = []
    for item in items:
        if item.verdict is None or item.verdict == "injected" or item.document is None:
            continue
        if config is None:
            try:
                config = kube_inject_config(state, cache, real=False)
            except ManualInjectionUnavailable:
                return lines
        doc = item.document
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
