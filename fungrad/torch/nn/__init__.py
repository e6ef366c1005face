"""torch.nn: Module and its containers, layers, losses, init, utils and functional.

Every layer computes with shim ops (compositions of fungrad.numpy recorded by the shim), so
backward, create_graph and torch.func transforms all work through a Module.
"""
from fungrad.torch.nn import functional as functional
from fungrad.torch.nn import init as init
from fungrad.torch.nn.modules import *  # noqa: F401,F403
from fungrad.torch.nn.modules import Module as Module
from fungrad.torch.nn.parameter import Buffer as Buffer, Parameter as Parameter
from fungrad.torch.nn.parameter import UninitializedParameter as UninitializedParameter
from fungrad.torch.nn import modules as modules, parameter as parameter, utils as utils

# torch.nn's names: the layers of torch.nn.modules (not its layer modules) and the imports above
__all__ = sorted({*modules.__all__, "Buffer", "Module", "Parameter", "UninitializedParameter", "functional",
                  "init", "modules", "parameter", "utils"}
                 - {name for name in modules.__all__ if isinstance(getattr(modules, name), type(modules))})
__dir__ = __all__.copy  # dir() lists the public names only
