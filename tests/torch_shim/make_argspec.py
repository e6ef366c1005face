"""Regenerates fungrad/torch/_argspec.py: for the leading positional arguments of each public
function and Tensor method of the shim, the kinds of value at which real PyTorch 2.13 raises
TypeError (while another kind at that position is accepted), found by calling torch with one
probe value of each kind there and accepted values elsewhere; and (OVERFLOW) where an int passes
that check, torch's argument parser's error for one beyond int64 there (10**20), with the order
torch reads two of them in.

Run ``python tests/torch_shim/make_argspec.py`` with torch 2.13 installed.
"""
import inspect
import itertools
import os
import re
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, ROOT)
import test_hostile_torch as H  # noqa: E402
from fungrad.torch._argcheck import _positional_names  # noqa: E402

OUT = os.path.join(ROOT, "fungrad", "torch", "_argspec.py")
MAX_POSITIONS = 4
# overloads the probes cannot see: normal(mean: float, std: float, size) needs its third argument
# multi_head_attention_forward: torch's Python function, whose first checks are of the shapes
# (_mha_shape_check): a type refused deep inside is not refused at its entry
UNPROBED = {"normal", "multi_head_attention_forward"}
# torch's Python functions that check their later arguments' sizes before their types (fold,
# unfold: "It is expected output_size equals to 2"): only their leading positions are probed
POSITIONS = {"nn.functional:fold": 1, "nn.functional:unfold": 1, "nn.functional:lp_pool1d": 2}
# torch's Python functions that check the input tensor before their parser reads an int (group_norm
# its rank; lp_pool2d its kernel_size, then input.pow(norm_type)): no OVERFLOW row, the op's own
# code answers in that order
OWN_ORDER = {"nn.functional:group_norm", "nn.functional:lp_pool2d"}


def probes(T):
    """(code, values): a kind is refused where each of its values raises TypeError. r: a
    list of lists (where torch takes a tuple of ints: 'found element of type list'); z: a
    one-element floating tensor (torch takes it as a number where it takes a Tensor or a Scalar,
    not where it takes an int); b: a bool, only ever accepted (kind_of never refuses one), for
    the positions that take nothing else (svd's some)."""
    return [("t", [H.valid(T)]), ("i", [2]), ("l", [[1, 2], (1, 2), [1.0, 2.0], []]),
            ("f", [1.5]), ("n", [None]), ("s", ["abc"]), ("d", [{"a": 1.0}]), ("o", [H._OBJECT]),
            ("r", [[[1], [0]], [[1.0, 2.0], [3.0]]]), ("z", [T.tensor(1.5)]), ("b", [True])]


EXPECTED = {"t": "Tensor", "i": "int", "l": "tuple of ints", "f": "float", "n": "None", "s": "str",
            "d": "dict", "o": "object", "r": "list", "z": "Number", "b": "bool"}
ACCEPT_ONLY = "b"


def type_error(f, args):
    """Whether torch refuses ``args`` by type: a TypeError, or an AttributeError of torch's
    Python code tripping over a non-Tensor (the sweep takes the shim's TypeError there)."""
    try:
        with H.alarm(5):
            f(*args)
    except (TypeError, AttributeError):
        return True
    except Exception:  # noqa: BLE001 - any other outcome accepts the argument's type
        return False
    return False


HUGE = 10 ** 20  # an int beyond int64
_PARSER = re.compile(r"int too big to convert|Overflow when unpacking long long|"
                     r".*failed to unpack the object at pos \d+ with error", re.S)


def overflow_of(f, args):
    """torch's argument parser's error for ``args``, where it cannot read an int beyond int64 in
    them: (its type name, its message), or None where the call gets past the parser (it returns,
    or the op or torch's Python code refuses the value: bernoulli_'s p, dropout's p). Where the
    parser reads a Scalar its error is OverflowError, an int ValueError, an element of a list of
    ints TypeError."""
    try:
        with H.alarm(5):
            f(*args)
    except (OverflowError, ValueError, TypeError) as e:
        msg, frames, _ = str(e).partition("\nException raised from")  # its C++ frames
        if frames and msg.count('"') % 2:  # (after them, the quote that closes the error's text)
            msg += '"'
        return (type(e).__name__, msg) if _PARSER.match(msg) else None
    except Exception:  # noqa: BLE001 - past the parser
        return None
    return None


def overflow_order(f, base, nreq, huge):
    """Which of two ints beyond int64 torch's parser reports: "last" where a call with two of
    them (at the first two positions of ``huge`` whose errors differ) raises the later one's
    error (the generated C++ binding reads its arguments right to left), else "first"."""
    errors = [(p, e) for p, e in huge if e is not None]
    for (p, e), (q, g) in itertools.combinations(errors, 2):
        if e != g:
            args = [base[i] if i < len(base) else H.valid(H.real_torch())
                    for i in range(max(nreq, q + 1))]
            args[p] = args[q] = HUGE
            return "last" if overflow_of(f, args) == g else "first"
    return "first"


# the values the later required positionals are tried with when none is the same for all of
# them: a tensor, an int (a dim), a reduction's name, a size
_MIXED = (lambda: H.valid(H.real_torch()), lambda: 0, lambda: "sum", lambda: (1,))


def _tails(n):
    """The values tried for the ``n`` required positionals after the one probed (and one more:
    torch may require it, scatter's src): each the same valid tensor, 0 or 1 first, then mixed
    (gather's int dim before its Tensor index), up to four of them."""
    for extra in (0, 1):
        for fill in (lambda: H.valid(H.real_torch()), lambda: 0, lambda: 1):
            yield [fill() for _ in range(n + extra)]
    for extra in (0, 1):
        if 0 < n + extra <= 4:
            for combo in itertools.product(_MIXED, repeat=n + extra):
                yield [c() for c in combo]


def spec_of(f, k, nreq):
    """The spec of torch's ``f`` over its first ``k`` positions (``nreq`` of them required), the
    accepted values found (base) and, for each position where an int passes the type check,
    torch's parser error for one beyond int64 there (overflow_of: (position, error or None)):
    position p is probed after the accepted values found for the positions before it (each
    accepted kind of the one just before: overloads couple them, as clamp's min and max) and
    values for the required ones after it (the first of _tails with which torch accepts some
    kind there); a kind is refused only if refused after all."""
    spec, base, last, huge = [], [], [[]], []
    kinds = probes(H.real_torch())
    for pos in range(k):
        heads = [base[:-1] + [v] for v in last] if base else [[]]
        for tail in _tails(max(nreq - pos - 1, 0)):
            refused, accepted = [], []
            for code, values in kinds:
                if all(type_error(f, h + [v] + tail) for h in heads for v in values):
                    if code not in ACCEPT_ONLY:
                        refused.append(code)
                else:
                    accepted.append((code, values[0]))
            if accepted:
                break
        if tail:  # a kind taken where the later positions have it too: movedim's (int[], int[])
            same = [c for c in refused if any(not type_error(f, h + [v] * (len(tail) + 1))
                                              for h in heads for v in dict(kinds)[c])]
            refused = [c for c in refused if c not in same]
            accepted += [(c, dict(kinds)[c][0]) for c in same]
        if not accepted:  # every kind refused here: the other arguments are at fault
            base.append(H.valid(H.real_torch()))
            last = [base[-1]]
            spec.append(None)
            continue
        if "i" not in refused:  # an int passes the type check: one beyond int64?
            huge.append((pos, overflow_of(f, heads[0] + [HUGE] + tail)))
        base.append(accepted[0][1])
        last = [v for _, v in accepted[:3]]
        spec.append((EXPECTED[accepted[0][0]], "".join(refused)) if refused else None)
    while spec and spec[-1] is None:
        spec.pop()
    return tuple(spec), base, huge


# torch's arity errors: its argument parser's, CPython's for torch's Python functions and its
# builtins without arguments
_MISSING = re.compile(r"(.*\(\) missing) (\d+) required positional arguments?: (.*)", re.S)
_EXTRA = re.compile(r"(.*\(\) takes (?:(\d+)|from \d+ to (\d+)) positional arguments?) but "
                    r"(\d+) (?:was|were) given", re.S)
_NO_ARGUMENTS = re.compile(r"(.*\(\) takes no arguments) \((\d+) given\)", re.S)
_OVERLOADS = re.compile(r"(\w+\(\) received an invalid combination of arguments - got) \(.*?\), "
                        r"(but expected one of:\n.*)", re.S)
_FILLS = (2, 1, (12,))  # the values an overload's further positionals are tried with


def _varargs(f):
    try:
        ps = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.kind == p.VAR_POSITIONAL for p in ps)


def message(f, args):
    try:
        with H.alarm(5):
            f(*args)
    except TypeError as e:
        return str(e)
    except Exception:  # noqa: BLE001 - any other outcome: not an arity error
        return None
    return None


def _extra(msg):
    """(the most positionals, message prefix, its given count) of torch's message for too
    many positional arguments, or None."""
    m, n = _EXTRA.fullmatch(msg or ""), _NO_ARGUMENTS.fullmatch(msg or "")
    if m:
        return int(m.group(2) or m.group(3)), m.group(1), int(m.group(4))
    if n:
        return 0, n.group(1), int(n.group(2))
    return None


def arity_of(f, base, nreq, npos):
    """torch's arity where it is narrower than the shim's signature (``nreq`` required of
    ``npos`` positionals, a method's after self; npos None for *args): (low, names, missing
    prefix, style, high, extra prefix, count offset), or None. A call with the ``nreq`` first
    accepted values finds the positionals torch requires beyond them (its message names them:
    low, names); one with ``npos`` values (or one more than required, for *args) the most it
    takes (high; None where no limit is found). style: c for torch's argument parser's message,
    p for CPython's, o for its message where no overload takes that few (missing: its text
    before and after the arguments' types); offset: what the extra message's count adds to the
    positionals given (a method's self, for torch's Python methods). An overloaded function's
    message speaks for one overload: a limit is kept only where the calls just under it are not
    refused for it."""
    def values(n):
        return [base[i] if i < len(base) else H.valid(H.real_torch()) for i in range(n)]
    low, names, mprefix, style = nreq, (), None, None
    msg = message(f, values(nreq)) or ""
    m, o = _MISSING.fullmatch(msg), _OVERLOADS.fullmatch(msg)
    if m:
        listed = m.group(3)
        style = "c" if listed.startswith('"') else "p"
        found = tuple(re.findall(r'"(\w+)"' if style == "c" else r"'(\w+)'", listed))
        if len(found) == int(m.group(2)) and not _MISSING.fullmatch(
                message(f, values(nreq + len(found))) or ""):
            low, names, mprefix = nreq + len(found), found, m.group(1)
    elif o and "didn't match" not in o.group(2):
        # no overload takes this few (view(), view_copy(x)): the fewest that one takes
        for j in (1, 2):
            if any(not type_error(f, [base[i] if i < len(base) else fill for i in
                                      range(nreq + j)]) for fill in _FILLS):
                low, mprefix, style = nreq + j, (o.group(1), o.group(2)), "o"
                break
    probe = max(low, nreq) + 1 if npos is None else npos
    high, eprefix, offset = npos, None, 0
    e = _extra(message(f, values(probe))) if probe > low else None
    if e is not None:
        most = e[0] - (e[2] - probe)
        if most >= low and _extra(message(f, values(most))) is None and (
                most + 1 == probe or _extra(message(f, values(most + 1))) is not None):
            high, eprefix, offset = most, e[1], e[2] - probe
    if low == nreq and high == npos:
        return None
    return (low, names, mprefix, style, high, eprefix, offset)


def numbers_of(f, nreq):
    """torch's message before and after the arguments' types where it refuses two numbers as
    the first two of ``nreq`` == 2 required positionals while taking a number in either with a
    tensor in the other (float_power, xlogy, zeta: no (Number, Number) overload), or None."""
    if nreq != 2:
        return None
    o = _OVERLOADS.fullmatch(message(f, [2, 3]) or "")
    if o is None:
        return None
    t = H.valid(H.real_torch())
    if type_error(f, [t, 2]) or type_error(f, [2, t]):
        return None
    rest = o.group(2).replace("{", "{{").replace("}", "}}")
    if "didn't match" in rest:
        # an overload's line names the two arguments' types (remainder's "(!int!, !int!)"):
        # {0} and {1} for the call's, found from a call with an int and a float
        m = _OVERLOADS.fullmatch(message(f, [2, 3.5]) or "")
        rest = re.sub(r"invalid types: \((!?)int(!?), (!?)float(!?)\)",
                      r"invalid types: (\1{0}\2, \3{1}\4)",
                      (m.group(2) if m else "").replace("{", "{{").replace("}", "}}"))
        if rest.format("int", "int") != o.group(2):
            return None
    return (o.group(1), rest)


def _literal(x, indent):
    """``x``'s repr, a long string as adjacent literals of at most 72 characters a line."""
    if not isinstance(x, str) or len(repr(x)) + indent < 100:
        return repr(x)
    parts = [repr(x[i:i + 72]) for i in range(0, len(x), 72)]
    return "(" + ("\n" + " " * (indent + 1)).join(parts) + ")"


def _row_item(x):
    if isinstance(x, tuple) and len(repr(x)) > 90:
        return ("            (\n" + "".join(f"                {_literal(y, 16)},\n" for y in x)
                + "            ),\n")
    return f"            {_literal(x, 12)},\n"


# the usual message of each type of torch's parser error for an int beyond int64 (the rows leave
# it out): _argcheck.OVERFLOW_TEXT
OVERFLOW_TEXT = {"OverflowError": "int too big to convert",
                 "ValueError": "Overflow when unpacking long long"}


def _overflow_item(row):
    """An OVERFLOW row (position, error type, message) as written: the message left out where it
    is the type's usual one, else as adjacent literals."""
    pos, kind, msg = row
    if OVERFLOW_TEXT.get(kind) == msg:
        return f'({pos}, "{kind}")'
    return (f'(\n                    {pos},\n                    "{kind}",\n'
            f"                    {_literal(msg, 20)},\n                )")


def main():
    import torch

    import fungrad.torch as shim
    if not torch.__version__.startswith("2.13."):
        sys.exit(f"the argument specs are torch 2.13's, found {torch.__version__}")
    warnings.simplefilter("ignore")
    specs, arity, numbers, overflow = {}, {}, {}, {}
    for group, name, f in H.swept_functions(shim, torch):
        if name.startswith("__") or name in UNPROBED:
            continue
        pos, (req, _) = _positional_names(f), H._params(f)
        if group == "Tensor":
            pos, req = pos[1:], req[1:]
            tf = (lambda n: lambda *a: getattr(H.valid(torch), n)(*a))(name)
        else:
            tf = getattr(H._module(torch, group), name)
        k = min(max(len(pos), 1), POSITIONS.get(f"{group}:{name}", MAX_POSITIONS))
        s, base, huge = spec_of(tf, k, len(req))
        if any(e is not None for _, e in huge) and f"{group}:{name}" not in OWN_ORDER:
            overflow.setdefault(group, {})[name] = (
                overflow_order(tf, base, len(req), huge),
                tuple((p,) + e for p, e in huge if e is not None))
        if s:
            specs.setdefault(group, {})[name] = s
        a = arity_of(tf, base, len(req), None if _varargs(f) else len(pos))
        if a is not None:
            arity.setdefault(group, {})[name] = a
        nb = numbers_of(tf, len(req)) if group != "Tensor" else None
        if nb is not None:
            numbers.setdefault(group, {})[name] = nb
    lines = [
        '"""The argument types torch 2.13 checks at the entry of each public function and Tensor',
        "method: for each leading positional argument (a method's after self), None or (what torch",
        "expects there, the kinds of value it refuses with TypeError: t a Tensor of more than one",
        "element, i an int, l a list or tuple, f a float, n None, s a string, d a dict, o any other",
        "object, r a list or tuple of lists, z a one-element floating tensor), and (ARITY) torch's",
        "count of positional arguments where it is narrower than the shim's signature (NUMBERS:",
        "where it has no overload for two numbers). Generated by tests/torch_shim/make_argspec.py",
        "from torch's behaviour (OVERFLOW: its parser's error for an int beyond int64); read by",
        '_argcheck.guard."""', "", "SPECS = {"]
    for g in sorted(specs):
        lines.append(f'    "{g}": {{')
        for n, s in sorted(specs[g].items()):
            line = f'        "{n}": {s!r},'.replace("'", '"')
            if len(line) > 99:
                line = f'        "{n}": (\n' + "".join(
                    f"            {x!r},\n".replace("'", '"') for x in s) + "        ),"
            lines.append(line)
        lines.append("    },")
    lines.append("}")
    lines += ["", "",
              "# where torch takes fewer positional arguments than the shim's signature, or requires",
              "# more: (low, names, missing, style, high, extra, offset): the positionals (a method's",
              "# after self) torch requires and the names of the last len(names) of them, its message",
              "# for the missing ones (style c: its argument parser's, p: CPython's; o: where no",
              "# overload takes that few, its text before and after the arguments' types), the most",
              "# it takes and its message for more, the count that message adds (a method's self)",
              "ARITY = {"]
    for g in sorted(arity):
        lines.append(f'    "{g}": {{')
        for n, a in sorted(arity[g].items()):
            line = f'        "{n}": {a!r},'
            if len(line) > 99:
                line = f'        "{n}": (\n' + "".join(_row_item(x) for x in a) + "        ),"
            lines.append(line)
        lines.append("    },")
    lines.append("}")
    lines += ["", "",
              "# where torch refuses two numbers as the first two arguments (no (Number, Number)",
              "# overload): its message before and after the arguments' types (after: a format",
              "# string, {0} and {1} the two arguments' types where an overload's line names them)",
              "NUMBERS = {"]
    for g in sorted(numbers):
        lines.append(f'    "{g}": {{')
        for n, a in sorted(numbers[g].items()):
            lines.append(f'        "{n}": (\n' + "".join(_row_item(x) for x in a) + "        ),")
        lines.append("    },")
    lines.append("}")
    lines += ["", "",
              "# where torch's argument parser cannot read an int beyond int64 (10**20) at a",
              "# position that takes an int: (the order it reads them in, \"first\" or \"last\" (its",
              "# C++ binding's, right to left), ((position, its error's type[, its message]), ...));",
              "# the message left out is the type's usual one (_argcheck.OVERFLOW_TEXT)",
              "OVERFLOW = {"]
    for g in sorted(overflow):
        lines.append(f'    "{g}": {{')
        for n, (order, rows) in sorted(overflow[g].items()):
            items = [_overflow_item(r) for r in rows]
            line = f'        "{n}": ("{order}", ({", ".join(items)}{"," * (len(items) == 1)})),'
            if len(line) > 99 or "\n" in line:
                line = (f'        "{n}": (\n            "{order}",\n            (\n'
                        + "".join(f"                {x},\n" for x in items)
                        + "            ),\n        ),")
            lines.append(line)
        lines.append("    },")
    lines.append("}")
    with open(OUT, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    print(f"wrote {sum(len(d) for d in specs.values())} specs, "
          f"{sum(len(d) for d in overflow.values())} overflow rows to {OUT}")


if __name__ == "__main__":
    main()
