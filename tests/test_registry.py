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


def all_primitives():
    """Every Primitive object bound to a module-level name anywhere in fungrad (control flow and
    custom-rule primitives included), by dotted name."""
    import fungrad
    found = {}
    for info in pkgutil.walk_packages(fungrad.__path__, "fungrad."):
        if info.name.startswith("fungrad.torch"):
            continue
        module = importlib.import_module(info.name)
        for attr, value in vars(module).items():
            if isinstance(value, Primitive):
                found.setdefault(id(value), (f"{info.name}.{attr}", value))
    return dict(found.values())


def test_every_primitive_is_registered_with_every_slot():
    from fungrad._core.primitive import RULE_SLOTS, exemption
    prims = all_primitives()
    assert {"jit", "scan", "cond", "while", "custom_jvp_call", "custom_vjp_call",
            "checkpoint"} <= {p.name for p in prims.values()}
    problems = []
    for name, prim in sorted(prims.items()):
        if not prim.registered:
            problems.append(f"{name}: not registered (call fungrad._core.primitive.register)")
            continue
        for slot in RULE_SLOTS:
            if getattr(prim, slot) is None and exemption(prim, slot) is None:
                problems.append(f"{name}: slot {slot!r} is neither filled nor declared exempt")
    assert not problems, "\n".join(problems)


def test_register_refuses_a_missing_slot_and_a_second_registration():
    import numpy as np
    import pytest
    from fungrad import extend as fx
    with pytest.raises(TypeError, match="slot 'jvp' needs a rule or an Exempt"):
        fx.register(fx.Primitive("p"), impl=np.sin, abstract_eval=lambda x: x, jvp=None,
                    transpose=fx.NOT_LINEAR, batch=fx.NOT_LINEAR, emit=fx.CallImpl())
    p = fx.elementwise("q", np.sin, jvp=fx.jvp_zero, emit=fx.Ufunc(np.sin))
    with pytest.raises(ValueError, match="already registered"):
        fx.register(p, impl=np.sin, abstract_eval=lambda x: x, jvp=fx.jvp_zero,
                    transpose=fx.NOT_LINEAR, batch=fx.NOT_LINEAR, emit=fx.CallImpl())
