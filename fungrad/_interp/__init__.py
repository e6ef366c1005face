"""Layer 2: interpreters (traces) and program-to-program transforms. No primitive rules here."""
