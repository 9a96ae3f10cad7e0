"""The engine's one cache: what explaining pods derives from its inputs, kept for the next explanation.

Explaining thousands of pods against one cluster state repeats the same costly work: parsing the injector
ConfigMap, its values and mesh config, compiling Istio's sidecar template (~40 ms to parse, more to
compile), parsing the identical text every replica of a workload renders.  All of it is kept here, in an
`EngineCache` the caller creates and passes in (`explain(..., cache=...)`), as Go's text/template keeps
its execution `state` outside the `Template`.  The engine holds no cache of its own: a caller that passes
none gets a fresh one per call (correct, only slower).

What is kept, and under which key (every key starts with its kind):
  "injector"       an injector ConfigMap parsed (InjectorConfig, or the ConfigError it raised), by the
                   ConfigMap's content, revision and origin, so a new ClusterState with the same ConfigMap
                   text reuses it;
  "template"       a compiled Go template, by release and template text (webhook and kube-inject runs share
                   it: the environment `env` reads is given at execution, not compile time);
  "jinja"          a compiled Jinja template (the embedded profile), by name and text;
  "overlay", "profile-overlay"
                   the YAML a template rendered, parsed (rendered text -> value; never mutated by the merge);
  "template-pod"   the first overlay merged onto the empty pod (by rendered text; callers get copies);
  "values", "mesh", "istio-context", "proxy-config"
                   Istio's typed views of an injector configuration: by the identity of the object they are
                   derived from (which the entry keeps alive, so the key cannot be reused while it is here),
                   or by text where there is one.
Go template parse trees also go to `trees`, the caller's outer store (plugin/runtime/treecache.py keeps
them on disk between processes), consulted when a template is compiled.

Bound: at most `max_entries` entries (DEFAULT_MAX_ENTRIES = 1024), least recently used first out.  A run
keeps a handful of long-lived entries (one parsed ConfigMap and context per revision, a compiled template
per template and release) that every pod touches, so they stay; per-pod entries (rendered texts, ~30-60 kB
each as Python objects) cycle through the rest: the cache holds tens of MB at most, whatever the run length.

Not here, on purpose, and not state (none can change an answer, go stale, or grow without bound):
  - tables built on first use from the generated schemas, the same for every input and bounded by them:
    typed.GoTypes decoders, the strategic-merge field tables, istio/structs.py field infos, the 1.31
    proto schema, the Jinja sandbox environment;
  - functools.lru_cache memos of pure functions of short strings (quantities, label names, YAML key
    orders and quoted forms, Go regexps): too fine-grained for a shared table with a lock, never stale.

Thread safety: `recall` may be called from any number of threads.  The table is guarded by a lock held
only for the look-up and the insertion, never while a value is made: two threads missing the same key
may both make it (the values are pure functions of the key, so either is right) and the first stored is
kept.  Values are shared and must never be changed by whoever recalls them.
"""
from __future__ import annotations

from _thread import allocate_lock
from collections import OrderedDict

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Hashable, Optional

#: Default bound on the number of entries.
DEFAULT_MAX_ENTRIES = 1024


class EngineCache:
    """A bounded LRU table shared by every explanation given it; see the module docstring."""

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES, trees: Any = None):
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        # The outer store of Go template parse trees: any object with get(key) / put(key, roots), or None.
        self.trees = trees
        self._table: OrderedDict = OrderedDict()
        self._lock = allocate_lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._table)

    def recall(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """The value kept under `key`, else `make()`'s, kept (an exception from `make` is not kept)."""
        table = self._table
        with self._lock:
            if key in table:
                table.move_to_end(key)
                self.hits += 1
                return table[key]
            self.misses += 1
        value = make()
        with self._lock:
            if key in table:         # another thread made it meanwhile: keep one value for everyone
                table.move_to_end(key)
                return table[key]
            table[key] = value
            if len(table) > self.max_entries:
                table.popitem(last=False)
        return value

    def recall_for(self, kind: str, obj: Any, make: Callable[[], Any]) -> Any:
        """`recall` for a value derived from `obj` itself (an unhashable dict, a parsed config): keyed by
        identity; the entry holds `obj`, so its id is not reused while the entry exists."""
        held, value = self.recall((kind, id(obj)), lambda: (obj, make()))
        if held is not obj:   # cannot happen while the entry holds obj; stay correct regardless
            return make()
        return value

    def discard(self, *kinds: str) -> None:
        """Drop the entries of these kinds (all when none is named): for measurements and tests."""
        with self._lock:
            for key in [k for k in self._table if not kinds or (isinstance(k, tuple) and k[0] in kinds)]:
                del self._table[key]


def cache_or_new(cache: Optional[EngineCache]) -> EngineCache:
    """The caller's cache, or a fresh one for this call only."""
    return cache if cache is not None else EngineCache()
