"""Explaining many objects on every core.

A bulk run (a directory of manifests, a whole namespace's pods) is CPU-bound Python: one process uses one
core.  The simulator is pure, so objects can be explained anywhere: for large inputs the work is forked
into worker processes that inherit the loaded cluster state and the templates already compiled by the
parent (compiling is done once, before the fork), take object positions, and send back explanations in
input order.  Small inputs stay in-process, where starting workers would cost more than it saves.

`KUBECTL_INJECT_WORKERS` sets the number of processes (1 turns this off); the default is the number of
cores this process may use.
"""
from __future__ import annotations

import os
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, List, Mapping, Optional, Sequence, Tuple

#: Below this many objects, one process is faster than starting workers.
MIN_PARALLEL = 96

# What forked workers inherit: (jobs as (document, namespace), cluster state, options, finish, cache).
_WORK: Optional[Tuple[Sequence[Tuple[Any, str]], Any, Any, Any, Any]] = None


def workers_for(count: int, environ: Mapping[str, str]) -> int:
    configured = environ.get("KUBECTL_INJECT_WORKERS", "")
    if configured.isdigit() and int(configured) > 0:
        wanted = int(configured)
    else:
        try:
            wanted = len(os.sched_getaffinity(0))
        except AttributeError:   # not Linux
            wanted = os.cpu_count() or 1
    if count < MIN_PARALLEL:
        return 1
    return max(1, min(wanted, count // 32))


def _explain_at(position: int):
    """(result, None) or (None, SimulatorError) for one object."""
    from simulator import SimulatorError, explain

    jobs, state, options, finish, cache = _WORK
    doc, namespace = jobs[position]
    try:
        expl = explain(doc.obj, namespace, state, options, cache)
    except SimulatorError as e:
        return None, e
    return (finish(doc, expl) if finish is not None else expl), None


def explain_all(jobs: Sequence[Tuple[Any, str]], state, options, workers: int, finish=None, cache=None) -> List[tuple]:
    """[(result, error)] for each (document, namespace) in `jobs`, in order.  The result is the
    explanation, or what `finish(document, explanation)` makes of it - in the worker, so that work
    (e.g. printing) is spread too and only its small result travels back."""
    global _WORK
    _WORK = (jobs, state, options, finish, cache)
    try:
        if workers <= 1 or not jobs or not hasattr(os, "fork"):
            return [_explain_at(i) for i in range(len(jobs))]
        import multiprocessing

        first = _explain_at(0)     # compiles the templates once; the workers inherit them
        context = multiprocessing.get_context("fork")
        with context.Pool(workers) as pool:
            rest = pool.map(_explain_at, range(1, len(jobs)), chunksize=max(1, min(64, len(jobs) // (workers * 8))))
        return [first] + rest
    finally:
        _WORK = None
