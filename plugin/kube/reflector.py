"""One kind's list-then-watch, kept going for as long as asked: client-go's reflector, in a thread.

It lists (or, for kinds where only what happens next matters, just asks where "now" is), then watches from
that resourceVersion with bookmarks, so that the version it would resume from stays current even when
nothing of its kind changes. When the stream ends (the server's timeoutSeconds) or the connection breaks
(an API server restart, a proxy in between dropping it), it watches again from the last version it saw:
nothing is lost and nothing is delivered twice. When the server no longer has that version (410 Gone,
after etcd's compaction), it lists again and hands the whole list over (`LISTED`), so that the consumer can
tell what it missed from what it already had.

What it produces goes to `sink(reflector, type, payload)` from the reflector's thread; the consumer is
expected to queue it and handle it in one thread:
- `LISTED` (items, first, version): after a list; `items` is None when only the version was asked;
- `ADDED` / `MODIFIED` / `DELETED` (the object);
- `BROKEN` (the reason): the watch broke and is being resumed;
- `FAILED` (the LiveError): a refusal that retrying cannot change (RBAC): the reflector has stopped.
"""
from __future__ import annotations

import threading
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Optional

    from .resources import Resource

#: Seconds the server keeps one watch open (client-go draws 5-10 minutes; bookmarks come about every minute).
WATCH_SECONDS = 240
#: Waits between attempts while the server cannot be reached: doubling from the first to the last.
BACKOFF = (0.2, 5.0)
#: Server answers worth retrying: it is starting, overloaded or shedding load.
RETRIED_STATUSES = (429, 500, 502, 503, 504)


class Reflector:
    """`resource` in `namespace` (None: all), optionally narrowed by a field selector. `full_list`: list the
    items at the start (False: only the version now, for kinds whose existing objects do not matter; a relist
    after 410 Gone is always full)."""

    def __init__(self, client, resource: Resource, namespace: Optional[str], sink: Callable[[Reflector, str, Any], None],
                 field_selector: Optional[str] = None, full_list: bool = True, name: Optional[str] = None,
                 watch_seconds: int = WATCH_SECONDS, backoff=BACKOFF):
        self.client = client
        self.resource = resource
        self.namespace = namespace
        self.sink = sink
        self.field_selector = field_selector
        self.full_list = full_list
        self.name = name or resource.plural + (f"/{namespace}" if namespace else "")
        self.watch_seconds = watch_seconds
        self.backoff = backoff
        self.version = ""            # where the next watch starts
        self.stats = {"lists": 0, "watches": 0, "bookmarks": 0, "broken": 0, "gone": 0, "events": 0}
        self._stop = threading.Event()
        self._stream = None
        self._thread: Optional[threading.Thread] = None

    def start(self) -> Reflector:
        self._thread = threading.Thread(target=self.run, name=f"watch {self.name}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        stream = self._stream
        if stream is not None:
            stream.close()

    def join(self, timeout: float) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def run(self) -> None:
        from .client import ApiError, Gone, LiveError, Unreachable

        wait = self.backoff[0]
        first = True
        while not self._stop.is_set():
            try:
                if not self.version:
                    self._list(first)
                    first = False
                self._watch()
                wait = self.backoff[0]              # the stream ended as the server ends them: resume at once
            except Gone:
                self.stats["gone"] += 1
                self.version = ""                   # list again
            except (Unreachable, ApiError) as e:
                if self._stop.is_set():
                    return
                if isinstance(e, ApiError) and e.status not in RETRIED_STATUSES:
                    self.sink(self, "FAILED", e)
                    return
                self.stats["broken"] += 1
                self.sink(self, "BROKEN", getattr(e, "reason", None) or str(e))
                if self._stop.wait(wait):
                    return
                wait = min(wait * 2, self.backoff[1])
            except LiveError as e:               # the client package went missing, credentials refused, …
                self.sink(self, "FAILED", e)
                return

    def _list(self, first: bool) -> None:
        self.stats["lists"] += 1
        if first and not self.full_list:
            self.version = self.client.current_version(self.resource, self.namespace, self.field_selector)
            items = None
        else:
            items, self.version = self.client.list_versioned(self.resource, self.namespace, self.field_selector)
        if not self._stop.is_set():
            self.sink(self, "LISTED", (items, first, self.version))

    def _watch(self) -> None:
        self.stats["watches"] += 1
        stream = self.client.watch(self.resource, self.namespace, self.version, self.field_selector, self.watch_seconds)
        self._stream = stream
        try:
            if self._stop.is_set():
                return
            for event in stream:
                kind = event.get("type")
                obj = event.get("object") or {}
                version = (obj.get("metadata") or {}).get("resourceVersion")
                if kind == "BOOKMARK":
                    self.stats["bookmarks"] += 1
                elif kind in ("ADDED", "MODIFIED", "DELETED"):
                    obj.setdefault("apiVersion", self.resource.api_version)
                    obj.setdefault("kind", self.resource.kind)
                    self.stats["events"] += 1
                    self.sink(self, kind, obj)
                if version:
                    self.version = str(version)     # after the sink took it: a break now resumes after it
                if self._stop.is_set():
                    return
        finally:
            self._stream = None
            stream.close()
