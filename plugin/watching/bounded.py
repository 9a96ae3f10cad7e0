"""A dict that forgets its oldest entries past a size: what `watch` remembers (pods seen, events' counts,
owners read, predictions made) stays bounded however long it runs."""
from __future__ import annotations

import collections


class Bounded(collections.OrderedDict):
    """Least recently set first out, once more than `limit` keys are held; `get` does not refresh a key."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def __setitem__(self, key, value) -> None:
        if key in self:
            self.move_to_end(key)
        super().__setitem__(key, value)
        while len(self) > self.limit:
            self.popitem(last=False)
