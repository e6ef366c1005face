"""Layer 0: the IR, abstract values, traces and pytrees. Imports nothing else from fungrad."""
