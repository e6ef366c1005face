"""torch dtypes as small objects wrapping numpy dtypes, and torch's type promotion.

Differs from torch: no complex, bfloat16 or quantized types.
"""
import numpy as np

__all__ = ["dtype", "to_np", "from_np", "result_dtype", "tensor_type_name", "DEFAULT"]


class dtype:
    """A torch dtype: ``torch.float32`` and friends."""

    __slots__ = ("name", "np", "is_floating_point", "itemsize")

    def __init__(self, name, np_dtype):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = self.np.kind == "f"
        self.itemsize = self.np.itemsize

    def __repr__(self):
        return f"torch.{self.name}"

    def __reduce__(self):
        return (from_np, (self.np,))


float16 = dtype("float16", np.float16)
float32 = dtype("float32", np.float32)
float64 = dtype("float64", np.float64)
int8 = dtype("int8", np.int8)
uint8 = dtype("uint8", np.uint8)
int16 = dtype("int16", np.int16)
int32 = dtype("int32", np.int32)
int64 = dtype("int64", np.int64)
bool_ = dtype("bool", np.bool_)
_ALL = [float16, float32, float64, int8, uint8, int16, int32, int64, bool_]
_BY_NP = {d.np: d for d in _ALL}
DEFAULT = float32
_TYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
               "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def to_np(d):
    """numpy dtype for a torch dtype, numpy dtype or Python type (None stays None)."""
    if d is None:
        return None
    if isinstance(d, dtype):
        return d.np
    if d is float:
        return np.dtype(np.float64)
    if d is int:
        return np.dtype(np.int64)
    if d is bool:
        return np.dtype(np.bool_)
    return np.dtype(d)


def from_np(npd):
    return _BY_NP[np.dtype(npd)]


def tensor_type_name(npd):
    """``torch.FloatTensor`` for float32 (``Tensor.type()``)."""
    return f"torch.{_TYPE_NAMES.get(np.dtype(npd).name, 'Float')}Tensor"


# the dtypes without a legacy tensor type, which torch's C++ type name spells CPU<Name>Type
_NO_LEGACY = {"bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def cpp_type_name(npd):
    """torch's C++ name of a CPU tensor's type (the token of its version-counter error and its
    argument checks): ``torch.FloatTensor`` for float32, ``CPUBoolType`` for bool."""
    name = np.dtype(npd).name
    if name in _NO_LEGACY:
        return f"CPU{_NO_LEGACY[name]}Type"
    return tensor_type_name(npd)


_CAT = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}
_SCALAR_DEFAULT = {0: np.dtype(np.bool_), 1: np.dtype(np.int64), 2: np.dtype(np.float32)}


def result_dtype(vals):
    """torch's promotion over values (arrays/tracers from Tensors, or Python scalars).

    Dimensioned tensors win within a category; 0-dim tensors and then Python scalars count only
    when they are of a higher category (bool < integer < floating).
    """
    dim_c = zd_c = sc_c = -1
    dim_t = zd_t = None
    for v in vals:
        t = type(v)
        if t is float:
            sc_c = max(sc_c, 2)
        elif t is int:
            sc_c = max(sc_c, 1)
        elif t is bool:
            sc_c = max(sc_c, 0)
        elif t is complex:
            sc_c = 3
        else:
            d = v.dtype
            c = _CAT[d.kind]
            if v.ndim:
                if c > dim_c:
                    dim_c, dim_t = c, d
                elif c == dim_c and d != dim_t:
                    dim_t = np.promote_types(dim_t, d)
            elif c > zd_c:
                zd_c, zd_t = c, d
            elif c == zd_c and d != zd_t:
                zd_t = np.promote_types(zd_t, d)
    cat, out = dim_c, dim_t
    if zd_c > cat:
        cat, out = zd_c, zd_t
    if sc_c > cat:
        if sc_c == 3:  # a complex scalar: the complex type of a floating tensor's precision
            # (float64 -> complex128; torch's complex32 for float16 is complex64 here)
            out = np.dtype(np.complex128) if out == np.float64 else np.dtype(np.complex64)
        else:
            out = _SCALAR_DEFAULT[sc_c]
    return out
