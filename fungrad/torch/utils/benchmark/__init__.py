"""torch.utils.benchmark: Timer (timeit, repeat, blocked_autorange, adaptive_autorange) and
Measurement with torch's summary repr."""
from fungrad.torch.utils.benchmark._timer import (Language as Language,
                                                  Measurement as Measurement, Timer as Timer)

__all__ = [
    "Language", "Measurement", "Timer"]
__dir__ = __all__.copy  # dir() lists the public names only
