"""List helpers the transforms share: cutting operand lists, partitioning by a mask and merging
back, and the fixpoint over loop carries.

Imports: nothing from fungrad.
"""


def cut(seq, *sizes):
    """Split `seq` into consecutive lists of the given sizes, plus the rest."""
    seq, out, start = list(seq), [], 0
    for n in sizes:
        out.append(seq[start:start + n])
        start += n
    return out + [seq[start:]]


def partition(xs, mask):
    """(the items where `mask` is False, the items where it is True), order kept."""
    falses, trues = [], []
    for x, m in zip(xs, mask, strict=True):
        (trues if m else falses).append(x)
    return falses, trues


def merge(mask, falses, trues):
    """Inverse of partition: items from `trues` where `mask` is True, from `falses` elsewhere."""
    f, t = iter(falses), iter(trues)
    return [next(t) if m else next(f) for m in mask]


def carry_fixpoint(carry_mask, step):
    """The least mask over loop carries closed under `step`: `step(mask) -> (out_mask, result)`
    says which carries the body makes True given `mask`; a carry True at any iteration is True.
    Returns (mask, result of `step` at that mask), so the caller's last transform is reused."""
    mask = list(carry_mask)
    for _ in range(len(mask) + 1):
        out, result = step(mask)
        new = [a or b for a, b in zip(mask, out)]
        if new == mask:
            return mask, result
        mask = new
    raise AssertionError("carry_fixpoint did not converge")  # at most len(mask) flips
