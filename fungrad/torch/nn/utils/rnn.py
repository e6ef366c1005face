"""pad_sequence, unpad_sequence (PackedSequence is not supported)."""
from fungrad.torch import _creation as C
from fungrad.torch import _ops_shape as S

__all__ = ["pad_sequence", "unpad_sequence"]


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    L = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        n = s.shape[0]
        if n < L:
            fill = C.full((L - n,) + tuple(s.shape[1:]), padding_value, dtype=s.dtype)
            parts = [s, fill] if padding_side == "right" else [fill, s]
            s = S.cat(parts, 0)
        padded.append(s)
    return S.stack(padded, 0 if batch_first else 1)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    if not batch_first:
        padded_sequences = S.transpose(padded_sequences, 0, 1)
    return [padded_sequences[i][:int(n)] for i, n in enumerate(lengths)]

__dir__ = __all__.copy  # dir() lists the public names only
