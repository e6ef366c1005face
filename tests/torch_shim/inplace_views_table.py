"""In-place changes made through views: the base's value and gradient follow (torch's
CopySlices). Each case takes the torch module and returns (the base's values after the change,
the leaf's gradient) as lists; make_golden_views.py records them from real torch 2.13 into
golden_inplace_views.json, test_inplace_views.py compares fungrad.torch with the file and with
torch live."""
import json
import os

GOLDEN_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden_inplace_views.json")
CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


def _leaf(T):
    return T.tensor([[0.5, 1.0, 2.0], [3.0, -4.0, 0.25]], requires_grad=True)


def _run(T, change, loss=lambda b: b.sum()):
    x = _leaf(T)
    b = x * 1
    change(T, b, x)
    loss(b).backward()
    return [[round(v, 6) for v in row] for row in b.detach().tolist()], \
        [[round(v, 6) for v in row] for row in x.grad.tolist()], type(b.grad_fn).__name__


@case
def select_mul(T):
    return _run(T, lambda T, b, x: b[0].mul_(2))


@case
def select_mul_square_loss(T):
    return _run(T, lambda T, b, x: b[0].mul_(2), lambda b: (b * b).sum())


@case
def column_add_other(T):
    return _run(T, lambda T, b, x: b[:, 1].add_(x[:, 0]))


@case
def transpose_slice_exp(T):
    return _run(T, lambda T, b, x: b.t()[1:].exp_(), lambda b: (b * 3).sum())


@case
def flat_step_mul(T):
    return _run(T, lambda T, b, x: b.view(-1)[::2].mul_(3), lambda b: (b * b).sum())


@case
def row_slice_zero(T):
    return _run(T, lambda T, b, x: b[1][1:].zero_())


@case
def diagonal_sigmoid(T):
    return _run(T, lambda T, b, x: b.diagonal().sigmoid_(), lambda b: (b * b).sum())


@case
def diagonal_offset_mul(T):
    return _run(T, lambda T, b, x: b.diagonal(1).mul_(x[0, :2]), lambda b: (b * b).sum())


@case
def unsqueeze_setitem(T):
    def change(T, b, x):
        b.unsqueeze(0)[0, :, 2] = T.tensor([7.0, 8.0])
    return _run(T, change)


@case
def view_of_view_clamp(T):
    return _run(T, lambda T, b, x: b.reshape(3, 2)[1:].clamp_(max=1.0), lambda b: (b * b).sum())


@case
def unbind_relu(T):
    return _run(T, lambda T, b, x: b.unbind(0)[1].relu_(), lambda b: (b * b).sum())


@case
def permute_narrow_div(T):
    return _run(T, lambda T, b, x: b.permute(1, 0).narrow(0, 1, 2).div_(4.0),
                lambda b: (b * b).sum())


# views taken before their base changed in place: their history follows the base's (torch
# regenerates a view's grad_fn), their values are the base's memory
def _run_views(T, body):
    x = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    loss = body(T, x * 1, x)
    loss.backward()
    return [[round(v, 6) for v in row] for row in x.grad.tolist()], type(loss.grad_fn).__name__


@case
def stale_view_after_base_change(T):
    def body(T, b, x):
        v = b[0]
        b.mul_(2)
        return v.sum()
    return _run_views(T, body)


@case
def stale_view_after_sibling_change(T):
    def body(T, b, x):
        v, w = b[0], b[:, 0]
        v.mul_(3)
        return (w * w).sum()
    return _run_views(T, body)


@case
def stale_view_of_view_then_changed(T):
    def body(T, b, x):
        v = b[0]
        v2 = v[1:]
        b.add_(1)
        v.mul_(2)
        return (v2 * b).sum()
    return _run_views(T, body)


@case
def stale_transpose_after_base_mul(T):
    def body(T, b, x):
        v = b.t()
        b.mul_(x)
        return (v * 2).sum()
    return _run_views(T, body)


@case
def stale_view_after_base_detach(T):
    def body(T, b, x):
        v = b[0:1]
        b.detach_()  # no value changed: the view keeps its own history
        return v.sum()
    return _run_views(T, body)


def run_all(T):
    out = {}
    for name, fn in CASES.items():
        try:
            out[name] = list(fn(T))
        except Exception as e:  # noqa: BLE001 - the error is the record
            out[name] = ["error", type(e).__name__, str(e).split("\n")[0]]
    return out


def load_golden():
    with open(GOLDEN_PATH) as f:
        return json.load(f)
