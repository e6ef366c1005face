"""Timer and Measurement (Python statements only; one thread, as fungrad computes with numpy)."""
import enum
import math
import statistics
import textwrap
import timeit as _timeit

__all__ = ["Timer", "Measurement", "Language"]


class Language(enum.Enum):
    PYTHON = 0
    CPP = 1


def _select_unit(t):
    if t <= 0:
        return "s", 1.0
    exp = int(math.floor(math.log10(t) / 3)) if t > 0 else 0
    return {-3: ("ns", 1e-9), -2: ("us", 1e-6), -1: ("ms", 1e-3)}.get(exp, ("s", 1.0) if exp >= 0
                                                                        else ("ns", 1e-9))


class Measurement:
    """Times per run (seconds) of ``number_per_run`` executions each, with torch's summary."""

    def __init__(self, number_per_run, raw_times, task_spec, metadata=None):
        self.number_per_run = number_per_run
        self.raw_times = list(raw_times)
        self.task_spec = task_spec
        self.metadata = metadata
        self._sorted = sorted(t / number_per_run for t in self.raw_times)

    @property
    def times(self):
        return [t / self.number_per_run for t in self.raw_times]

    @property
    def median(self):
        return statistics.median(self._sorted)

    @property
    def mean(self):
        return statistics.mean(self._sorted)

    def _quantile(self, q):
        s = self._sorted
        if len(s) == 1:
            return s[0]
        pos = q * (len(s) - 1)
        lo = int(math.floor(pos))
        hi = min(lo + 1, len(s) - 1)
        return s[lo] + (s[hi] - s[lo]) * (pos - lo)

    @property
    def iqr(self):
        return self._quantile(0.75) - self._quantile(0.25)

    @property
    def significant_figures(self):
        n = len(self._sorted)
        if n < 2 or self.median == 0:
            return 1
        stderr = statistics.stdev(self._sorted) / math.sqrt(n)
        return max(1, min(5, int(math.floor(math.log10(self.median / max(stderr, 1e-30))))))

    @property
    def title(self):
        return self.task_spec.title

    @property
    def label(self):
        return self.task_spec.label

    @property
    def sub_label(self):
        return self.task_spec.sub_label

    @property
    def description(self):
        return self.task_spec.description

    @property
    def stmt(self):
        return self.task_spec.stmt

    @property
    def num_threads(self):
        return self.task_spec.num_threads

    def __repr__(self):
        s = f"<torch.utils.benchmark.utils.common.Measurement object at {hex(id(self))}>\n"
        s += self.task_spec.summarize() + "\n"
        unit, scale = _select_unit(self.median)
        n = len(self._sorted)
        if n == 1:
            s += f"  {self.median / scale:.2f} {unit}\n"
        else:
            s += f"  Median: {self.median / scale:.2f} {unit}\n"
            s += (f"  IQR:    {self.iqr / scale:.2f} {unit} ({self._quantile(0.25) / scale:.2f} "
                  f"to {self._quantile(0.75) / scale:.2f})\n")
        th = self.num_threads
        s += (f"  {n} measurement{'s' if n > 1 else ''}, {self.number_per_run} runs "
              f"{'per measurement,' if n > 1 else ','} {th} thread{'s' if th > 1 else ''}")
        return s


class _TaskSpec:
    def __init__(self, stmt, setup, label, sub_label, description, env, num_threads):
        self.stmt, self.setup, self.label, self.sub_label = stmt, setup, label, sub_label
        self.description, self.env, self.num_threads = description, env, num_threads

    @property
    def title(self):
        label = self.label if self.label else (self.stmt if isinstance(self.stmt, str) else
                                               "[Missing primary label]")
        return label + (f": {self.sub_label}" if self.sub_label else "")

    def summarize(self):
        sections = [self.title, self.description or ""]
        return "\n".join(f"{s}\n" if "\n" in s else s for s in sections if s)


class Timer:
    """``Timer(stmt, setup, globals=...)``: ``timeit(number)`` and ``blocked_autorange()``."""

    def __init__(self, stmt="pass", setup="pass", global_setup="", timer=_timeit.default_timer,
                 globals=None, label=None, sub_label=None, description=None, env=None,
                 num_threads=1, language=Language.PYTHON):
        if language not in (Language.PYTHON, "py", "python"):
            raise ValueError("fungrad.torch: only Python statements can be timed")
        stmt = textwrap.dedent(stmt).strip() if isinstance(stmt, str) else stmt
        setup = textwrap.dedent(setup).strip() if isinstance(setup, str) else setup
        self._globals = dict(globals or {})
        self._timer = _timeit.Timer(stmt=stmt, setup=setup or "pass", timer=timer,
                                    globals=self._globals)
        self._task_spec = _TaskSpec(stmt, setup, label, sub_label, description, env, num_threads)

    def _timeit(self, number):
        return max(self._timer.timeit(number), 1e-9)

    def timeit(self, number=1000000):
        self._timeit(number=max(int(number // 100), 2))  # warm up
        return Measurement(number, [self._timeit(number)], self._task_spec)

    def repeat(self, repeat=-1, number=-1):
        raise NotImplementedError("See `Timer.blocked_autorange.`")

    def autorange(self, callback=None):
        raise NotImplementedError("See `Timer.blocked_autorange.`")

    def _estimate_block_size(self, min_run_time):
        overhead = statistics.median(self._timeit(0) for _ in range(5))
        number = 1
        while True:
            t = self._timeit(number)
            if overhead / t <= 1e-4 and t >= min_run_time / 1000:
                break
            if t > min_run_time or number * 10 > 10000000:
                break
            number *= 10
        return number

    def blocked_autorange(self, callback=None, min_run_time=0.2):
        number = self._estimate_block_size(min_run_time)
        times, total = [], 0.0
        while total < min_run_time or not times:
            t = self._timeit(number)
            total += t
            if callback:
                callback(number, t)
            times.append(t)
        return Measurement(number, times, self._task_spec)

    def adaptive_autorange(self, threshold=0.1, *, min_run_time=0.01, max_run_time=10.0,
                           callback=None):
        number = self._estimate_block_size(min_run_time=0.05)
        times, total = [], 0.0
        while total < max_run_time:
            t = self._timeit(number)
            total += t
            times.append(t)
            if total >= min_run_time and len(times) > 3:
                m = Measurement(number, times, self._task_spec)
                if m.iqr / m.median < threshold:
                    break
        return Measurement(number, times, self._task_spec)
