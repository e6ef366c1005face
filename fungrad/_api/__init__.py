"""Layer 3: the public transforms. Argument handling, pytrees and input validation; no rules."""
