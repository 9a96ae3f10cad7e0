"""Kubernetes strategic merge patch (SMP) of Pod objects, as Istio applies each rendered injection template.

Istio merges with `strategicpatch.StrategicMergeMapPatchUsingLookupPatchMeta` and the corev1.Pod struct
schema, i.e. options MergeParallelList and IgnoreUnmatchedNulls.  This package follows that algorithm step by
step, including its quirks, because the simulator must predict the injected pod field for field:

- the merge strategy and merge key of every list come from the Go struct tags (simulator/kube/pod_schema.py,
  generated from the real types); lists without `patchStrategy:"merge"` are replaced (schema.py);
- `$patch` (replace/delete), `$retainKeys`, `$deleteFromPrimitiveList/<k>`, `$setElementOrder/<k>` (merge.py);
- null deletes a key; nulls and directives are stripped from values that are simply taken from the patch,
  but kept in list elements that are appended or in lists that are replaced (the typed round trip of
  simulator/kube/typed/ drops them later, as Go's unmarshal into corev1.Pod does) (values.py);
- list ordering: patch elements in patch order, server-only elements interleaved by Go's mergeSortedSlice,
  using Go's stable sort with its comparator even where that comparator is inconsistent (order.py);
- values compare with Go interface equality (numbers are all float64; booleans never equal numbers);
- error messages are Go's texts, so an explanation can quote what Istio would report (errors.py).

Plain dicts/lists in, a new dict out; the inputs are never modified and the result shares nothing with them.
"""

from .. import pod_schema
from .errors import MergeError
from .merge import _merge_map
from .values import _copy


__all__ = ["MergeError", "strategic_merge"]


_ROOTS = {"Pod": pod_schema.ROOT}


def strategic_merge(original, patch, *, kind="Pod"):
    """Merge `patch` into `original` with Kubernetes strategic-merge semantics for `kind` (only "Pod")."""
    root = _ROOTS.get(kind)
    if root is None:
        raise ValueError("strategic_merge: no schema for kind %r" % (kind,))
    if original is None:
        original = {}
    if patch is None:
        patch = {}
    if type(original) is not dict or type(patch) is not dict:
        raise MergeError("invalid JSON document")
    # The original is copied once and then changed in place, like Go's map; the patch is only read, and
    # whatever the result takes from it is copied on the way in (see _take).
    return _merge_map(_copy(original), patch, root)
