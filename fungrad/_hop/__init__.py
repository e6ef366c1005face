"""Layer 2.5: higher-order primitives (control flow, custom rules, checkpointing).

Each primitive carries its sub-programs as ClosedJaxpr params and has impl, abstract eval, JVP,
batching, partial-eval and (where linear) transpose rules written with the program transforms of
fungrad._interp.jaxpr_transforms.
"""
