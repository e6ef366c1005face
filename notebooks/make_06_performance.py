"""Build notebooks/06_performance.ipynb and execute it so the saved file shows its outputs.

    python notebooks/make_06_performance.py

The notebook reads benchmarks/results/run_quick.json; it runs no benchmark. To refresh the file:

    python benchmarks/run.py --quick --json benchmarks/results/run_quick.json
"""
from nbformat.v4 import new_code_cell, new_markdown_cell

md, code = new_markdown_cell, new_code_cell

cells = [
    md("# Performance: fungrad against handwritten numpy and its peers\n\n"
       "`benchmarks/run.py` times the gradient of a few workloads with fungrad (eager and `jit`), "
       "with the same derivative written by hand in numpy, and with the peers that are installed "
       "(HIPS autograd, PyTorch eager, JAX eager and `jit`). It pins itself to one CPU core and "
       "tells every library to use one thread; it checks each gradient against the handwritten "
       "one before timing; each time is the median of interleaved repeats.\n\n"
       "This notebook runs no benchmark: it draws the result file of one run, committed to the "
       "repository, so what you see is what was measured, on the machine and at the load "
       "recorded in the file. To measure your own machine:\n\n"
       "```\n"
       "python benchmarks/run.py --quick --json benchmarks/results/run_quick.json\n"
       "python notebooks/make_06_performance.py\n"
       "```"),
    code("import json\n"
         "import pathlib\n\n"
         "import matplotlib.pyplot as plt\n"
         "import numpy as np\n\n"
         "results = json.loads(pathlib.Path('../benchmarks/results/run_quick.json').read_text())\n"
         "print('command:', results['command'])\n"
         "print('date:   ', results['date'])\n"
         "print('machine:', results['machine'], f\"{results['cpus']} CPUs, pinned to\",\n"
         "      results['pinned_cpus'], f\"(1-minute load average {results['load_average']:.1f})\")\n"
         "print('versions:', ', '.join(f'{k} {v}' for k, v in results['versions'].items()))"),
    md("## Time per gradient\n\n"
       "Each row: the median time of one call, and its ratio to handwritten numpy (lower is "
       "better; 1.00x is as fast as the hand-derived gradient)."),
    code("base = results['baseline']\n\n"
         "def fmt(seconds):\n"
         "    return f'{seconds * 1e6:9.1f} us' if seconds < 1e-2 else f'{seconds * 1e3:9.2f} ms'\n\n"
         "for section in results['timings']:\n"
         "    seconds = section['seconds']\n"
         "    print(section['title'])\n"
         "    for name, t in seconds.items():\n"
         "        print(f'    {name:20s} {fmt(t)}  {t / seconds[base]:8.2f}x')"),
    md("The same table as bars, one panel per workload, on a log scale of the ratio to "
       "handwritten numpy. The grey line is handwritten numpy; a dashed line is the goal the "
       "benchmark sets for `fungrad jit`, where it sets one."),
    code("from matplotlib.ticker import FuncFormatter, NullFormatter\n\n"
         "libraries = []   # every library timed, in the order of first appearance\n"
         "for section in results['timings']:\n"
         "    libraries += [n for n in section['seconds'] if n != base and n not in libraries]\n"
         "colors = {name: f'C{i}' for i, name in enumerate(libraries)}\n\n"
         "sections = results['timings']\n"
         "fig, axes = plt.subplots((len(sections) + 1) // 2, 2, figsize=(11, 2.6 * ((len(sections) + 1) // 2)))\n"
         "for ax, section in zip(axes.flat, sections):\n"
         "    seconds = section['seconds']\n"
         "    names = [n for n in libraries if n in seconds]\n"
         "    ratios = [seconds[n] / seconds[base] for n in names]\n"
         "    bars = ax.barh(names, ratios, color=[colors[n] for n in names])\n"
         "    ax.bar_label(bars, labels=[f'{r:.2f}x' for r in ratios], padding=2, fontsize=8)\n"
         "    ax.set_xscale('log')\n"
         "    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f'{v:g}x'))\n"
         "    ax.xaxis.set_minor_formatter(NullFormatter())\n"
         "    ax.axvline(1.0, color='grey', lw=1)\n"
         "    if 'goal' in section:\n"
         "        ax.axvline(section['goal']['ratio'], color='black', ls='--', lw=1)\n"
         "    ax.set_xlim(min(ratios + [1.0]) / 2, max(ratios) * 4)\n"
         "    ax.invert_yaxis()\n"
         "    ax.set_title(section['title'], fontsize=9)\n"
         "    ax.tick_params(labelsize=8)\n"
         "for ax in axes.flat[len(sections):]:\n"
         "    ax.set_visible(False)\n"
         "fig.supxlabel('time / handwritten numpy time (log scale)')\n"
         "fig.tight_layout()\n"
         "plt.show()"),
    md("The goals the benchmark sets, against the measured ratios:"),
    code("for section in results['timings']:\n"
         "    if 'goal' in section:\n"
         "        goal, seconds = section['goal'], section['seconds']\n"
         "        ratio = seconds[goal['name']] / seconds[base]\n"
         "        print(f\"{goal['name']} <= {goal['ratio']}x  measured {ratio:5.2f}x  \"\n"
         "              f\"{'met   ' if ratio <= goal['ratio'] else 'missed'}  {section['title']}\")"),
    md("## Where the time goes in eager mode\n\n"
       "fungrad's eager mode traces every operation (a few microseconds each) and `jit` traces "
       "once per input shape, optimises the program and runs it as generated numpy source. So "
       "eager overhead dominates small, many-operation workloads, and on large matrix products "
       "numpy's own kernels dominate every column. The ratio of eager to `jit` time per "
       "workload:"),
    code("for section in results['timings']:\n"
         "    s = section['seconds']\n"
         "    print(f\"{s['fungrad eager'] / s['fungrad jit']:7.1f}x  {section['title']}\")"),
    md("## Tracing time\n\n"
       "The cost of `make_jaxpr` per traced operation, and of the first call of a new `jit` "
       "(trace, optimise, generate and compile the numpy source), on a chain of elementwise "
       "operations, in microseconds per operation:"),
    code("rows = results['tracing_us_per_op']\n"
         "kinds = [k for k in rows[0] if k != 'ops']\n"
         "fig, ax = plt.subplots(figsize=(7, 2.8))\n"
         "width = 0.8 / len(rows)\n"
         "for i, row in enumerate(rows):\n"
         "    pos = np.arange(len(kinds)) + i * width\n"
         "    bars = ax.barh(pos, [row[k] for k in kinds], height=width, label=f\"{row['ops']} ops\")\n"
         "    ax.bar_label(bars, fmt='%.1f', padding=2, fontsize=8)\n"
         "ax.set_yticks(np.arange(len(kinds)) + width * (len(rows) - 1) / 2, kinds)\n"
         "ax.set_xscale('log')\n"
         "ax.set_xlim(right=max(row[k] for row in rows for k in kinds) * 3)\n"
         "ax.set_xlabel('microseconds per operation (log scale)')\n"
         "ax.invert_yaxis()\n"
         "ax.legend(fontsize=8)\n"
         "plt.show()"),
    md("## Peak memory\n\n"
       "Peak memory of one gradient call (Python's `tracemalloc`, after a warm-up call), for the "
       "model named below; `jit` frees each intermediate as soon as its last use has run."),
    code("memory = results['memory']\n"
         "peaks = memory['peak_bytes']\n"
         "print(memory['title'])\n"
         "fig, ax = plt.subplots(figsize=(6, 2.5))\n"
         "bars = ax.barh(list(peaks), [p / 2 ** 20 for p in peaks.values()],\n"
         "               color=['grey'] + [colors.get(n, 'C0') for n in list(peaks)[1:]])\n"
         "ax.bar_label(bars, labels=[f'{p / 2 ** 20:.1f} MiB ({p / peaks[base]:.2f}x)'\n"
         "                           for p in peaks.values()], padding=2, fontsize=8)\n"
         "ax.set_xlim(0, max(peaks.values()) / 2 ** 20 * 1.5)\n"
         "ax.invert_yaxis()\n"
         "ax.set_xlabel('peak MiB')\n"
         "plt.show()"),
]

if __name__ == "__main__":
    from _build import build
    build(cells, __file__)
