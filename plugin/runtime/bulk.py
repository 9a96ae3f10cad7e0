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
    """at(i) for each of `positions`, in order, computed in `workers` forked processes.  Each worker is
    handed a chunk (a range of positions: the jobs themselves it inherited), sends its results back through
    its own pipe and is handed the next chunk, so a worker that was quicker takes more and none sits idle
    while another finishes a share fixed in advance (with fixed shares, a run of 512 pods on two cores
    waited ~0.2 s for the last chunk).  Chunks shrink towards the end (_chunks), so the last ones end
    together.  Two are in flight per worker, so a worker never waits for its next one; what the parent
    sends is a few bytes, so its sends never block on a busy worker.  A chunk is yielded once every chunk
    before it has been."""
    import gc
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")
    chunks = _chunks(positions, workers)
    readers = {}
    # What the parent holds (state, compiled templates, the documents) is moved out of the collector's
    # reach for the fork: a child's collections would otherwise walk every inherited object, writing to
    # its page and so copying it (measured: 8-10% of a 2,000-pod -o pod run's time on two cores).
    gc.freeze()
    try:
        for _ in range(min(workers, len(chunks))):
            ours, theirs = context.Pipe(duplex=True)
            process = context.Process(target=_serve, args=(at, theirs), daemon=True)
            process.start()
            theirs.close()   # the worker holds the only other end: its exit ends our input
            readers[ours] = process
    finally:
        gc.unfreeze()
    processes = list(readers.values())
    handed = 0             # chunks handed out so far
    for _ in range(2):
        for conn in list(readers):
            if handed < len(chunks):
                conn.send(chunks[handed])
                handed += 1
    done = {}
    following = 0          # the index in `chunks` of the next chunk to yield
    try:
        while following < len(chunks):
            for conn in wait(list(readers)):
                try:
                    message = conn.recv()
                except EOFError:
                    process = readers.pop(conn)
                    process.join()
                    raise RuntimeError("a bulk worker process ended early (exit status %s)" % process.exitcode)
                start, values, failure = message
                if failure is not None:
                    raise failure
                done[start] = values
                if progress is not None:
                    progress.add(len(values))
                if handed < len(chunks):
                    conn.send(chunks[handed])
                    handed += 1
            while following < len(chunks) and chunks[following].start in done:
                yield from done.pop(chunks[following].start)
                following += 1
    finally:
        for conn in readers:
            try:
                conn.send(None)       # no more chunks: the worker ends
            except OSError:
                pass
        for process in processes:
            process.join(timeout=0 if following < len(chunks) else 5)
            if process.is_alive():
                process.terminate()
                process.join()


def _chunks(positions: range, workers: int) -> List[range]:
    """`positions` cut into consecutive ranges for `workers`: at most 64 positions each (a chunk's results
    are held until sent), a quarter of each worker's share of what is left, at least 2."""
    chunks = []
    at = positions.start
    while at < positions.stop:
        left = positions.stop - at
        size = max(2, min(64, left // (workers * 4)))
        chunks.append(range(at, min(at + size, positions.stop)))
        at += size
    return chunks


def _serve(at: Callable[[int], Any], conn) -> None:
    """A worker: for each chunk it is handed, compute it and send (start, results, None); None ends it.
    A failure is sent as (start, None, exception) and re-raised in the parent, as multiprocessing.Pool.map
    does, and ends the worker."""
    while True:
        try:
            chunk = conn.recv()
        except EOFError:
            return
        if chunk is None:
            return
        try:
            message = (chunk.start, [at(i) for i in chunk], None)
        except Exception as e:  # noqa: BLE001 - the parent re-raises it
            message = (chunk.start, None, e)
        try:
            conn.send(message)
        except Exception as e:  # noqa: BLE001 - e.g. a result that does not pickle: say so in the parent
            conn.send((chunk.start, None, RuntimeError("bulk worker: %s: %s" % (type(e).__name__, e))))
            return
        if message[2] is not None:
            return
