"""Progress of a long run (`status -A` on a big cluster, `apply`'s wait for a pod, explaining thousands of
objects) on stderr, on a terminal only: one line rewritten in place, erased when the run is done.

kubectl has no progress convention; this one follows pip's and docker's:
- shown only when stderr is a terminal: never in a pipe, a file or CI's log, where `\\r` lines are noise,
  and never on stdout, so what a command prints is the same with or without it;
- off with TERM=dumb (no erase-line there) or KUBECTL_INJECT_PROGRESS=0. `--no-color`/NO_COLOR do not turn
  it off: they are about colour (https://no-color.org), as pip's and docker's progress ignore them too;
- the line is erased before anything else is written to the terminal (a warning, an error, the output when
  stdout is the same terminal) and at the end, so the screen is left as a pipe would have got it;
- drawn at most ~8 times a second and not in the first half second: a one-pod run never flashes a line, and
  a loop over 100,000 objects spends one clock read per object on it;
- cut to the terminal's width: a line that wraps cannot be erased with `\\r`.
"""
from __future__ import annotations

import _thread
import os
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Optional

ERASE = "\r\x1b[K"
INTERVAL = 0.125      # seconds between two drawings at most
DELAY = 0.5           # nothing is drawn before the run is this old
TICK = 0.5            # seconds between two drawings of a wait's elapsed time


class Progress:
    """The progress line on `stream` (a terminal). All methods may be called from two threads (apply's
    ticker and the main one)."""

    enabled = True

    def __init__(self, stream: Any, clock: Callable[[], float] = time.monotonic, columns: Optional[int] = None,
                 interval: Optional[float] = None, delay: Optional[float] = None):
        self.stream = stream
        self.clock = clock
        self.columns = columns if columns is not None else _columns(stream)
        self.interval = INTERVAL if interval is None else interval
        self.started = clock()
        self.delay = DELAY if delay is None else delay
        self.shown = False
        self._drawn_at = float("-inf")
        self._lock = _thread.allocate_lock()

    def show(self, text: str, force: bool = False) -> None:
        """Draw `text` as the progress line, unless a drawing was made less than `interval` ago (or the run is
        younger than `delay`); `force` draws it anyway (a new stage worth seeing at once)."""
        now = self.clock()
        if not force and (now - self._drawn_at < self.interval or now - self.started < self.delay):
            return
        with self._lock:
            self._drawn_at = now
            self._write("\r" + text[:max(1, self.columns - 1)] + "\x1b[K")
            self.shown = True

    def clear(self) -> None:
        """Erase the line (if one is shown); the next `show` draws it again."""
        with self._lock:
            self._erase()

    def _erase(self) -> None:
        if self.shown:
            self.shown = False
            self._write(ERASE)

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):   # the terminal went away: progress is not worth an error
            pass

    def counter(self, doing: str, total: Optional[int] = None, unit: str = "objects") -> Counter:
        return Counter(self, doing, total, unit)

    def waiting(self, what: str, limit: Optional[float] = None) -> _Waiting:
        """A context: while it is open, `what` and the seconds waited so far (of `limit`) are redrawn every
        half second by a thread of its own (the main one is blocked reading a watch); erased when it closes."""
        return _Waiting(self, what, limit)

    def attach(self, env):
        """`env` whose stderr (and stdout, when it is a terminal too: the same screen) erase the progress line
        before they write, so no message is ever printed after a half-drawn line."""
        stdout = _Erasing(env.stdout, self) if env.stdout_isatty else env.stdout
        return env.replace(stdout=stdout, stderr=_Erasing(env.stderr, self))


class NoProgress:
    """Progress where there is none to show (a pipe, a file, TERM=dumb): every method does nothing."""

    enabled = False
    shown = False

    def show(self, text: str, force: bool = False) -> None:
        pass

    def clear(self) -> None:
        pass

    def counter(self, doing: str, total: Optional[int] = None, unit: str = "objects") -> Counter:
        return Counter(self, doing, total, unit)

    def waiting(self, what: str, limit: Optional[float] = None) -> _Waiting:
        return _Waiting(self, what, limit)

    def attach(self, env):
        return env


NO_PROGRESS = NoProgress()


def for_env(env) -> Any:
    """A Progress on env.stderr when it is a terminal that can erase a line, else NO_PROGRESS."""
    stream = env.stderr
    try:
        tty = bool(stream.isatty())
    except (AttributeError, OSError, ValueError):
        tty = False
    if not tty or env.environ.get("TERM") == "dumb" or env.environ.get("KUBECTL_INJECT_PROGRESS", "") in (
            "0", "false", "no", "off"):
        return NO_PROGRESS
    return Progress(stream)


class Counter:
    """`doing N/M unit (R/s)`: `add` once per item (or per chunk of items) done; `done` erases the line."""

    def __init__(self, progress, doing: str, total: Optional[int], unit: str):
        self.progress = progress
        self.doing = doing
        self.total = total
        self.unit = unit
        self.count = 0
        self.started = progress.clock() if progress.enabled else 0.0

    def add(self, n: int = 1) -> None:
        self.count += n
        if self.progress.enabled:
            self.progress.show(self.text())

    def text(self) -> str:
        of = f"/{self.total:,}" if self.total is not None else ""
        line = f"{self.doing} {self.count:,}{of} {self.unit}"
        elapsed = self.progress.clock() - self.started
        if elapsed >= 1.0:
            line += f" ({self.count / elapsed:,.0f}/s)"
        return line

    def done(self) -> None:
        self.progress.clear()


class _Waiting:
    def __init__(self, progress, what: str, limit: Optional[float]):
        self.progress = progress
        self.what = what
        self.limit = limit
        self._stop = None
        self._thread = None

    def text(self, elapsed: float) -> str:
        up_to = f" (up to {self.limit:g}s)" if self.limit else ""
        return f"{self.what}: {elapsed:.0f}s{up_to}"

    def __enter__(self) -> _Waiting:
        if self.progress.enabled:
            import threading

            self._started = self.progress.clock()

            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._tick, name="kubectl-inject-progress", daemon=True)
            self._thread.start()
        return self

    def _tick(self) -> None:
        while not self._stop.wait(TICK):
            self.progress.show(self.text(self.progress.clock() - self._started), force=True)

    def __exit__(self, *exc) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()     # no thread may outlive the wait (bulk forks, startup.leave exits at once)
            self._thread = None
        self.progress.clear()


class _Erasing:
    """A stream that erases the progress line before each write (the line is drawn again by the next update)."""

    def __init__(self, stream: Any, progress: Progress):
        self._stream = stream
        self._progress = progress

    def write(self, text: str) -> int:
        with self._progress._lock:     # the ticker thread cannot draw between the erasing and the message
            self._progress._erase()
            return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _columns(stream: Any) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (AttributeError, OSError, ValueError):
        try:
            return int(os.environ.get("COLUMNS", "")) or 80
        except ValueError:
            return 80

