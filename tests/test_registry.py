"""The primitive table covers exactly the primitives of fungrad._lax: a new primitive without a
record (or a record naming a primitive that no longer exists) fails here."""
import importlib
import pkgutil

from prim_records import RECORDS

import fungrad._lax
from fungrad._core.primitive import Primitive


def lax_primitives():
    """Every `*_p` Primitive object defined in a module of fungrad._lax, by name."""
    found = {}
    for info in pkgutil.iter_modules(fungrad._lax.__path__):
        module = importlib.import_module(f"fungrad._lax.{info.name}")
        for attr, value in vars(module).items():
            if attr.endswith("_p") and isinstance(value, Primitive):
                found[f"{info.name}.{attr}"] = value
    return found


def test_every_primitive_has_a_record():
    recorded = {id(r.prim) for r in RECORDS}
    missing = sorted(k for k, p in lax_primitives().items() if id(p) not in recorded)
    assert not missing, f"add rows to tests/prim_records.py for: {missing}"


def test_every_record_names_a_lax_primitive():
    known = {id(p) for p in lax_primitives().values()}
    stray = sorted(r.id for r in RECORDS if id(r.prim) not in known)
    assert not stray, f"records name primitives not defined in fungrad._lax: {stray}"


def test_record_ids_are_unique():
    ids = [r.id for r in RECORDS]
    assert len(ids) == len(set(ids))


def test_table_is_not_trivially_small():
    assert len(lax_primitives()) >= 60
