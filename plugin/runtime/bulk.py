"""Explaining many objects on every core.

A bulk run (a directory of manifests, a whole namespace's pods) is CPU-bound Python: one process uses one
core.  The simulator is pure, so objects can be explained anywhere: for large inputs the work is forked
into worker processes that inherit the `Work` (jobs, cluster state, options, and the engine cache with the
templates the parent already compiled: compiling is done once, before the fork), take object positions,
and send back results in input order.  Small inputs stay in-process, where starting workers would cost
more than it saves.

The workers get the `Work` as an argument of the function they run (inherited through fork, never
pickled), not through a module global, so two runs in one process cannot see each other's inputs.

Forking is for one-shot commands only: a process with other threads (a kubernetes client's, a watch's)
must not fork (the child inherits locks other threads may hold, and their sockets), so explain_all runs
in-process whenever other threads exist.  A long-running command explains with threads sharing one
EngineCache instead.

`in_order` is the same machinery for any per-item work whose results travel back in input order, as
they are ready (`-o kube-inject` injects a file's documents with it, printing each as its turn comes).

`KUBECTL_INJECT_WORKERS` sets the number of processes (1 turns this off); the default is the number of
cores this process may use.
"""
from __future__ import annotations

import os
import sys

from simulator.records import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Iterator, List, Mapping, Optional, Sequence, Tuple

#: Below this many objects, one process is faster than starting workers.
MIN_PARALLEL = 96


class Work(Record):
    """One bulk run's inputs: `jobs` as (document, namespace), and what every explanation shares."""

    _fields = ("jobs", "state", "options", "cache", "finish")

    def __init__(self, jobs: Sequence[Tuple[Any, str]], state: Any, options: Any, cache: Any = None,
                 finish: Optional[Callable[[Any, Any], Any]] = None):
        self.jobs = jobs
        self.state = state
        self.options = options
        self.cache = cache      # an EngineCache shared by every explanation (None: one per object)
        self.finish = finish    # finish(document, explanation) -> the result (run where it is explained)


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


def explain_at(work: Work, position: int):
    """(result, None) or (None, SimulatorError) for one object."""
    from simulator import SimulatorError, explain

    doc, namespace = work.jobs[position]
    try:
        expl = explain(doc.obj, namespace, work.state, work.options, work.cache)
    except SimulatorError as e:
        return None, e
    return (work.finish(doc, expl) if work.finish is not None else expl), None


def explain_all(work: Work, workers: int, progress=None) -> List[tuple]:
    """[(result, error)] for each job of `work`, in order.  The result is the explanation, or what
    `work.finish(document, explanation)` makes of it - in the worker, so that work (e.g. printing) is
    spread too and only its small result travels back.  `progress` (a printers.progress Counter) is told
    of each object done (of each chunk, from workers) and its line erased at the end."""
    return list(in_order(lambda i: explain_at(work, i), len(work.jobs), workers, progress))


def in_order(at: Callable[[int], Any], count: int, workers: int, progress=None) -> Iterator[Any]:
    """at(0), at(1), ... at(count - 1), yielded in that order as they are ready, computed in `workers`
    forked processes (in this one when `workers` <= 1, for fewer than two, or where forking is unsafe).
    `at` is inherited through fork, never pickled; what it returns must pickle.  at(0) runs here first,
    so that what it compiles (templates, parsed configuration) is done once and inherited.  A consumer
    that stops early (e.g. at an error after which nothing more is printed) ends the workers."""
    try:
        if workers <= 1 or count < 2 or not can_fork():
            for i in range(count):
                yield at(i)
                if progress is not None:
                    progress.add()
            return
        first = at(0)
        if progress is not None:
            progress.add()
        yield first
        yield from _forked(at, range(1, count), workers, progress)
    finally:
        if progress is not None:
            progress.done()


def can_fork() -> bool:
    """Forking is safe only in a process with no other thread (see the module docstring)."""
    if not hasattr(os, "fork"):
        return False
    threading = sys.modules.get("threading")   # not imported: no thread was started through it
    return threading is None or threading.active_count() <= 1


def _forked(at: Callable[[int], Any], positions: range, workers: int, progress=None) -> Iterator[Any]:
    """at(i) for each of `positions`, in order, computed in `workers` forked processes: each takes every
    workers-th chunk and sends its results back through its own pipe, chunk by chunk, as they are ready;
    a chunk is yielded once every chunk before it has been."""
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")
    size = max(1, min(64, len(positions) // (workers * 8)))
    chunks = [positions[i:i + size] for i in range(0, len(positions), size)]
    readers = {}
    for share in (chunks[w::workers] for w in range(min(workers, len(chunks)))):
        reader, writer = context.Pipe(duplex=False)
        process = context.Process(target=_serve, args=(at, share, writer), daemon=True)
        process.start()
        writer.close()   # the worker holds the only write end: its exit ends the reader's input
        readers[reader] = process
    processes = list(readers.values())
    done = {}
    following = 0          # the index in `chunks` of the next chunk to yield
    try:
        while readers:
            for reader in wait(list(readers)):
                try:
                    message = reader.recv()
                except EOFError:
                    process = readers.pop(reader)
                    process.join()
                    raise RuntimeError("a bulk worker process ended early (exit status %s)" % process.exitcode)
                if message is None:
                    readers.pop(reader).join()
                    continue
                start, values, failure = message
                if failure is not None:
                    raise failure
                done[start] = values
                if progress is not None:
                    progress.add(len(values))
            while following < len(chunks) and chunks[following].start in done:
                yield from done.pop(chunks[following].start)
                following += 1
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
                process.join()


def _serve(at: Callable[[int], Any], chunks: List[range], results) -> None:
    """A worker: compute its chunks, sending (start, results, None) for each, then None; a failure is
    sent as (start, None, exception) and re-raised in the parent, as multiprocessing.Pool.map does."""
    for chunk in chunks:
        try:
            message = (chunk.start, [at(i) for i in chunk], None)
        except Exception as e:  # noqa: BLE001 - the parent re-raises it
            message = (chunk.start, None, e)
        try:
            results.send(message)
        except Exception as e:  # noqa: BLE001 - e.g. a result that does not pickle: say so in the parent
            results.send((chunk.start, None, RuntimeError("bulk worker: %s: %s" % (type(e).__name__, e))))
            return
        if message[2] is not None:
            return
    results.send(None)
