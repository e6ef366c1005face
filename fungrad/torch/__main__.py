"""``python -m fungrad.torch script.py [args]``: runs a script written for PyTorch with
``import torch``, ``torch.nn``, ``torch.func`` ... and ``functorch`` resolving to fungrad.torch.
``python -m fungrad.torch -c "code"`` and ``-m module`` work as with python."""
import runpy
import sys

from fungrad.torch._install import install

_USAGE = "usage: python -m fungrad.torch script.py [args] | -c code [args] | -m module [args]"


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(_USAGE)
        return 0 if argv else 2
    install()
    if argv[0] == "-c":
        if len(argv) < 2:
            print(_USAGE, file=sys.stderr)
            return 2
        sys.argv = ["-c"] + argv[2:]
        exec(compile(argv[1], "<string>", "exec"), {"__name__": "__main__"})
        return 0
    if argv[0] == "-m":
        sys.argv = argv[1:]
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        return 0
    sys.argv = argv
    sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(argv[0])))
    runpy.run_path(argv[0], run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
