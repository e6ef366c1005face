"""torch.device, torch.cuda, torch.backends and torch.compile for a CPU-only shim.

fungrad.torch computes on the CPU with numpy. ``device='cpu'`` is accepted everywhere;
``'meta'`` is accepted by ``Module.to`` (the tensors keep their CPU data: fungrad has no
storage-free tensors); asking for CUDA raises the error a CPU-only torch build raises.
"""
import functools

__all__ = ["device", "CPU", "check_device", "cuda", "backends", "compile", "mps",
           "accelerator"]

_NO_CUDA = "Torch not compiled with CUDA enabled"
_KNOWN = ("cpu", "cuda", "meta", "mps", "xpu", "hip", "xla", "lazy", "vulkan", "ipu", "hpu",
          "mtia", "privateuseone")


class device:
    """``torch.device('cpu')``, ``torch.device('cuda', 0)``, ``torch.device('cuda:1')``."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, int) and index is None:
            type, index = "cuda", type
        elif ":" in type:
            type, _, idx = type.partition(":")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{idx}'")
            index = int(idx)
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        if type not in _KNOWN:
            raise RuntimeError(
                "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, "
                "fpga, maia, xla, lazy, vulkan, mps, meta, hpu, mtia, privateuseone device type "
                f"at start of device string: {type}")
        object.__setattr__(self, "type", type)
        object.__setattr__(self, "index", index)

    def __setattr__(self, k, v):
        raise AttributeError(f"attribute '{k}' of 'torch.device' objects is not writable")

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):  # as torch: a device never equals a string
        if not isinstance(other, device):
            return NotImplemented
        return self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


CPU = device("cpu")


def check_device(d):
    """The device type named by ``d`` (None, a string, an int or a device); raises for CUDA."""
    if d is None:
        return "cpu"
    if type(d) is int and d < 0:
        raise RuntimeError("Device index must not be negative")
    dv = device(d) if not isinstance(d, device) else d
    if dv.type == "cuda":
        raise AssertionError(_NO_CUDA)
    if dv.type not in ("cpu", "meta"):
        raise RuntimeError(f"fungrad.torch runs on the CPU only; device '{dv}' is not available")
    return dv.type


class _Cuda:
    """torch.cuda on a machine without CUDA."""

    @staticmethod
    def is_available():
        return False

    @staticmethod
    def device_count():
        return 0

    @staticmethod
    def is_initialized():
        return False

    @staticmethod
    def synchronize(device=None):
        raise AssertionError(_NO_CUDA)

    @staticmethod
    def current_device():
        raise AssertionError(_NO_CUDA)

    @staticmethod
    def manual_seed(seed):
        pass

    manual_seed_all = manual_seed

    @staticmethod
    def empty_cache():
        pass

    @staticmethod
    def is_bf16_supported(including_emulation=True):
        return False

    def __getattr__(self, name):
        raise AssertionError(_NO_CUDA)


cuda = _Cuda()


class _Flags:
    """A namespace of plain attributes (torch.backends.cudnn.benchmark = True works)."""

    def __init__(self, **kw):
        self.__dict__.update(kw)

    def __repr__(self):
        return f"<backend flags {self.__dict__}>"


class _MPS:
    @staticmethod
    def is_available():
        return False

    @staticmethod
    def is_built():
        return False


mps = _MPS()


class _Accelerator:
    """torch.accelerator on a machine without one (tutorials pick 'cpu' through it)."""

    @staticmethod
    def is_available():
        return False

    @staticmethod
    def current_accelerator(check_available=False):
        return None

    @staticmethod
    def device_count():
        return 0

    @staticmethod
    def synchronize(device=None):
        pass


accelerator = _Accelerator()
backends = _Flags(
    cudnn=_Flags(enabled=True, benchmark=False, deterministic=False, allow_tf32=True,
                 is_available=lambda: False, version=lambda: None),
    cuda=_Flags(matmul=_Flags(allow_tf32=False, allow_fp16_reduced_precision_reduction=True,
                              allow_bf16_reduced_precision_reduction=True),
                is_built=lambda: False, flash_sdp_enabled=lambda: False),
    mps=mps,
    mkldnn=_Flags(enabled=True, is_available=lambda: False),
    openmp=_Flags(is_available=lambda: False),
    mkl=_Flags(is_available=lambda: False),
    opt_einsum=_Flags(enabled=True, strategy="auto", is_available=lambda: False),
)


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None,
            options=None, disable=False):
    """torch.compile keeping semantics: returns ``model`` itself (or a decorator doing so).

    fungrad.torch does not stage Modules through fungrad.jit here: a torch program mutates
    parameters, buffers (BatchNorm running stats), Python state and RNG state between calls,
    and reads ``.grad`` and hooks, which a traced program would freeze at its first call. The
    identity is the one transformation that keeps every program's meaning.
    """
    if model is None:
        return functools.partial(compile, fullgraph=fullgraph, dynamic=dynamic, backend=backend,
                                 mode=mode, options=options, disable=disable)
    return model
