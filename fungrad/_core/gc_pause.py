"""Pause Python's cyclic garbage collector while a trace is built.

Tracing allocates many small container objects (tracers, variables, equations) that all stay alive
until the trace ends, so every collection the allocator triggers scans a growing heap and frees
nothing. Measured on a 10,000-op chain: make_jaxpr 5.4-8.2 us/op with the collector running,
3.5 us/op with it paused. Only the outermost trace pauses it, and it is restored on exit.

Imports: nothing from fungrad.
"""
import gc


class paused_gc:
    """Context manager: the collector is off inside, back to its previous state after."""

    __slots__ = ("was_enabled",)

    def __enter__(self):
        self.was_enabled = gc.isenabled()
        if self.was_enabled:
            gc.disable()

    def __exit__(self, *exc):
        if self.was_enabled:
            gc.enable()
