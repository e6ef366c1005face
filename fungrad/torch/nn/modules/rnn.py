"""RNN, LSTM, GRU (num_layers, bias, batch_first, dropout, bidirectional) and their cells,
unrolled over time with shim ops (one linear map of the whole sequence per layer for the input
part, then one step per time index)."""
import math

from fungrad.torch import _creation as C
from fungrad.torch import _ops_math as M
from fungrad.torch import _ops_shape as S
from fungrad.torch.nn import functional as F
from fungrad.torch.nn import init
from fungrad.torch.nn.modules.module import Module
from fungrad.torch.nn.parameter import Parameter

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _rnn_cell(x_part, h, w_hh, b_hh, act):
    pre = M.add(x_part, F.linear(h, w_hh, b_hh))
    return M.tanh(pre) if act == "tanh" else M.relu(pre)


def _lstm_cell(x_part, h, c, w_hh, b_hh):
    gates = M.add(x_part, F.linear(h, w_hh, b_hh))
    i, f, g, o = S.chunk(gates, 4, 1)
    i, f, g, o = M.sigmoid(i), M.sigmoid(f), M.tanh(g), M.sigmoid(o)
    c2 = M.add(M.mul(f, c), M.mul(i, g))
    return M.mul(o, M.tanh(c2)), c2


def _gru_cell(x_part, h, w_hh, b_hh):
    hp = F.linear(h, w_hh, b_hh)
    xr, xz, xn = S.chunk(x_part, 3, 1)
    hr, hz, hn = S.chunk(hp, 3, 1)
    r = M.sigmoid(M.add(xr, hr))
    z = M.sigmoid(M.add(xz, hz))
    n = M.tanh(M.add(xn, M.mul(r, hn)))
    return M.add(M.mul(M.sub(1, z), n), M.mul(z, h))


class RNNBase(Module):
    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        if proj_size:
            raise NotImplementedError("fungrad.torch: LSTM proj_size is not supported")
        if not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if not isinstance(hidden_size, int) or hidden_size <= 0:
            raise ValueError("hidden_size must be an integer greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than or equal to 1")
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional, self.proj_size = float(dropout), bidirectional, 0
        gate = _GATES[mode] * hidden_size
        ndir = 2 if bidirectional else 1
        self._flat_weights_names = []
        for layer in range(num_layers):
            for d in range(ndir):
                insz = input_size if layer == 0 else hidden_size * ndir
                sfx = "_reverse" if d == 1 else ""
                names = [f"weight_ih_l{layer}{sfx}", f"weight_hh_l{layer}{sfx}"]
                shapes = [(gate, insz), (gate, hidden_size)]
                if bias:
                    names += [f"bias_ih_l{layer}{sfx}", f"bias_hh_l{layer}{sfx}"]
                    shapes += [(gate,), (gate,)]
                for n, s in zip(names, shapes):
                    setattr(self, n, Parameter(C.empty(s, device=device, dtype=dtype)))
                self._flat_weights_names.extend(names)
        self.reset_parameters()

    @property
    def all_weights(self):
        return [[getattr(self, n) for n in self._flat_weights_names
                 if n.endswith(f"l{layer}{sfx}")]
                for layer in range(self.num_layers)
                for sfx in ([""] + (["_reverse"] if self.bidirectional else []))]

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for w in self.parameters():
            init.uniform_(w, -stdv, stdv)

    def flatten_parameters(self):
        pass

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    def _params(self, layer, d):
        sfx = "_reverse" if d == 1 else ""
        g = lambda n: getattr(self, f"{n}_l{layer}{sfx}")  # noqa: E731
        return (g("weight_ih"), g("weight_hh"), g("bias_ih") if self.bias else None,
                g("bias_hh") if self.bias else None)

    def _run(self, input, hx):
        """input (L, N, H_in); hx (layers*dirs, N, H) or an (h, c) pair; returns (out, h_n[, c_n])."""
        lstm = self.mode == "LSTM"
        ndir = 2 if self.bidirectional else 1
        L, N = input.shape[0], input.shape[1]
        if hx is None:
            z = C.zeros(self.num_layers * ndir, N, self.hidden_size, dtype=input.dtype)
            hx = (z, z) if lstm else z
        h0, c0 = hx if lstm else (hx, None)
        layer_in = input
        hs, cs = [], []
        for layer in range(self.num_layers):
            outs = []
            for d in range(ndir):
                w_ih, w_hh, b_ih, b_hh = self._params(layer, d)
                xw = F.linear(layer_in, w_ih, b_ih)          # L, N, gate
                h = h0[layer * ndir + d]
                c = c0[layer * ndir + d] if lstm else None
                steps = range(L - 1, -1, -1) if d == 1 else range(L)
                seq = [None] * L
                for t in steps:
                    xt = xw[t]
                    if lstm:
                        h, c = _lstm_cell(xt, h, c, w_hh, b_hh)
                    elif self.mode == "GRU":
                        h = _gru_cell(xt, h, w_hh, b_hh)
                    else:
                        h = _rnn_cell(xt, h, w_hh, b_hh,
                                      "tanh" if self.mode == "RNN_TANH" else "relu")
                    seq[t] = h
                outs.append(S.stack(seq) if L else xw[:, :, :self.hidden_size])
                hs.append(h)
                if lstm:
                    cs.append(c)
            layer_in = outs[0] if ndir == 1 else S.cat(outs, 2)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_in = F.dropout(layer_in, self.dropout, True)
        hn = S.stack(hs)
        return (layer_in, (hn, S.stack(cs))) if lstm else (layer_in, hn)

    def forward(self, input, hx=None):
        lstm = self.mode == "LSTM"
        batched = input.ndim == 3
        if input.ndim not in (2, 3):
            raise ValueError(f"{type(self).__name__}: Expected input to be 2D or 3D, got "
                             f"{input.ndim}D tensor instead")
        x = input if batched else S.unsqueeze(input, 1)
        if batched and self.batch_first:
            x = S.transpose(x, 0, 1)
        if hx is not None and not batched:
            hx = tuple(S.unsqueeze(h, 1) for h in hx) if lstm else S.unsqueeze(hx, 1)
        out, state = self._run(x, hx)
        if batched and self.batch_first:
            out = S.transpose(out, 0, 1)
        if not batched:
            out = S.squeeze(out, 1)
            state = tuple(S.squeeze(s, 1) for s in state) if lstm else S.squeeze(state, 1)
        return out, state


class RNN(RNNBase):
    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             "'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size,
                         hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device=device, dtype=dtype)

    def __setattr__(self, k, v):
        if k == "nonlinearity" and "_parameters" not in self.__dict__:
            object.__setattr__(self, k, v)
        else:
            super().__setattr__(k, v)


class LSTM(RNNBase):
    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, proj_size, device, dtype)


class GRU(RNNBase):
    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None):
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device=device, dtype=dtype)


class _CellBase(Module):
    _gates = 1

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        g = self._gates * hidden_size
        self.weight_ih = Parameter(C.empty((g, input_size), device=device, dtype=dtype))
        self.weight_hh = Parameter(C.empty((g, hidden_size), device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(C.empty(g, device=device, dtype=dtype))
            self.bias_hh = Parameter(C.empty(g, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for w in self.parameters():
            init.uniform_(w, -stdv, stdv)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        nl = getattr(self, "nonlinearity", "tanh")
        if nl != "tanh":
            s += f", nonlinearity={nl}"
        return s

    def _prep(self, input, hx, n_state):
        batched = input.ndim == 2
        x = input if batched else S.unsqueeze(input, 0)
        if hx is None:
            z = C.zeros(x.shape[0], self.hidden_size, dtype=input.dtype)
            hx = (z,) * n_state if n_state > 1 else z
        elif not batched:
            hx = tuple(S.unsqueeze(h, 0) for h in hx) if n_state > 1 else S.unsqueeze(hx, 0)
        return batched, x, hx


class RNNCell(_CellBase):
    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        batched, x, h = self._prep(input, hx, 1)
        out = _rnn_cell(F.linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh,
                        self.bias_hh, self.nonlinearity)
        return out if batched else S.squeeze(out, 0)


class LSTMCell(_CellBase):
    _gates = 4

    def forward(self, input, hx=None):
        batched, x, (h, c) = self._prep(input, hx, 2)
        h, c = _lstm_cell(F.linear(x, self.weight_ih, self.bias_ih), h, c, self.weight_hh,
                          self.bias_hh)
        return (h, c) if batched else (S.squeeze(h, 0), S.squeeze(c, 0))


class GRUCell(_CellBase):
    _gates = 3

    def forward(self, input, hx=None):
        batched, x, h = self._prep(input, hx, 1)
        out = _gru_cell(F.linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh,
                        self.bias_hh)
        return out if batched else S.squeeze(out, 0)

__dir__ = __all__.copy  # dir() lists the public names only
