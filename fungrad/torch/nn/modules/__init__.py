"""Every nn Module class."""
from fungrad.torch.nn.modules.activation import *  # noqa: F401,F403
from fungrad.torch.nn.modules.container import *  # noqa: F401,F403
from fungrad.torch.nn.modules.conv import *  # noqa: F401,F403
from fungrad.torch.nn.modules.dropout import *  # noqa: F401,F403
from fungrad.torch.nn.modules.linear import *  # noqa: F401,F403
from fungrad.torch.nn.modules.loss import *  # noqa: F401,F403
from fungrad.torch.nn.modules.module import Module  # noqa: F401
from fungrad.torch.nn.modules.normalization import *  # noqa: F401,F403
from fungrad.torch.nn.modules.pooling import *  # noqa: F401,F403
from fungrad.torch.nn.modules.rnn import *  # noqa: F401,F403
from fungrad.torch.nn.modules.sparse import *  # noqa: F401,F403
from fungrad.torch.nn.modules.transformer import *  # noqa: F401,F403

# every layer the star imports brought in, and the layer modules themselves (torch.nn.modules.linear, ...)
__all__ = sorted(name for name in globals() if not name.startswith("_")
                 and name != "NonDynamicallyQuantizableLinear")
__dir__ = __all__.copy  # dir() lists the public names only
