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
from fungrad.torch.nn import utils as utils
