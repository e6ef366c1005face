"""torch.optim: SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, NAdam, RAdam, LBFGS and
optim.lr_scheduler."""
from fungrad.torch.optim import lr_scheduler as lr_scheduler
from fungrad.torch.optim._algorithms import (
    SGD as SGD, Adadelta as Adadelta, Adagrad as Adagrad, Adam as Adam, Adamax as Adamax,
    AdamW as AdamW, NAdam as NAdam, RAdam as RAdam, RMSprop as RMSprop)
from fungrad.torch.optim.lbfgs import LBFGS as LBFGS
from fungrad.torch.optim.optimizer import Optimizer as Optimizer

__all__ = [
    "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "LBFGS", "NAdam", "Optimizer", "RAdam", "RMSprop",
    "SGD", "lbfgs", "lr_scheduler", "optimizer"]
__dir__ = __all__.copy  # dir() lists the public names only
