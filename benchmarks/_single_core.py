"""Import first in a benchmark script (before numpy loads): one core and one thread everywhere
(BLAS, OpenMP, XLA), and this checkout's fungrad first on sys.path."""
import os
import sys

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"
os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                           " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
try:  # jit's fusion kernels (the fuse extra): numexpr's own thread pool, one thread too
    import numexpr
    numexpr.set_num_threads(1)
except ImportError:
    pass
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
