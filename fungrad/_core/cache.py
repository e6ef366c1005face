"""The one cache mechanism: bounded least-recently-used caches, registered by name in one place.

Every memo table of fungrad (jit's traced programs, transformed and compiled sub-programs,
interned avals, broadcast shapes, dtype promotion, ...) is an `LRUCache` made by `lru_cache_table`,
so `fungrad.clear_caches()` empties them all and `fungrad.cache_info()` shows their sizes.

Lookups refresh an entry's recency (`get`, `get_or_make`). Interning tables read on every traced
operation (avals, broadcast shapes, promoted dtypes) read `table.fast` (the underlying dict)
instead: no recency refresh, so they evict in insertion order once full, which only costs a
recomputation of a cheap pure value.

Imports: nothing from fungrad.
"""
from __future__ import annotations


import collections

_MISSING = object()


class LRUCache:
    """A dict-like table bounded to `maxsize` entries; the least recently used entry goes first."""

    __slots__ = ("name", "maxsize", "_d", "misses")

    def __init__(self, name, maxsize):
        self.name = name
        self.maxsize = maxsize
        self._d = collections.OrderedDict()
        self.misses = 0

    @property
    def fast(self):
        """The underlying dict, for hot-path reads that skip the recency refresh."""
        return self._d

    def get(self, key, default=None):
        d = self._d
        try:
            v = d[key]
        except KeyError:
            self.misses += 1
            return default
        d.move_to_end(key)
        return v

    def __setitem__(self, key, value):
        d = self._d
        d[key] = value
        d.move_to_end(key)
        if len(d) > self.maxsize:
            d.popitem(last=False)

    def get_or_make(self, key, make):
        """The entry for `key`, made by `make()` (and stored) on a miss."""
        d = self._d
        try:
            v = d[key]
        except KeyError:
            pass
        else:
            d.move_to_end(key)
            return v
        # made outside the handler: an error `make` raises is not chained to the KeyError
        self.misses += 1
        v = make()
        self[key] = v
        return v


    def __contains__(self, key):
        return key in self._d

    def __len__(self):
        return len(self._d)

    def clear(self):
        self._d.clear()
        self.misses = 0

    def __repr__(self):
        return (f"LRUCache({self.name!r}, size={len(self._d)}, maxsize={self.maxsize}, "
                f"misses={self.misses})")


_registry = {}


def lru_cache_table(name: str, maxsize: int) -> LRUCache:
    """A new registered cache (names are unique: one table per job)."""
    if name in _registry:
        raise ValueError(f"a cache named {name!r} already exists")
    cache = _registry[name] = LRUCache(name, maxsize)
    return cache


CacheInfo = collections.namedtuple("CacheInfo", "size maxsize misses")


def cache_info() -> dict[str, CacheInfo]:
    """{cache name: CacheInfo(size, maxsize, misses)} for every registered cache (misses: the
    entries made since the last clear; hits are not counted, to keep lookups cheap).

    >>> import fungrad as fg
    >>> fg.clear_caches()
    >>> fg.cache_info()["avals"]
    CacheInfo(size=0, maxsize=100000, misses=0)
    """
    return {n: CacheInfo(len(c), c.maxsize, c.misses) for n, c in _registry.items()}


def clear_caches() -> None:
    """Empty every registered cache (traced and compiled programs are rebuilt on next use).

    >>> import fungrad as fg
    >>> fg.clear_caches()
    >>> fg.cache_info()["jit_compiled"].size
    0
    """
    for c in _registry.values():
        c.clear()
