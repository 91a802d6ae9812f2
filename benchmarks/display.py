"""How long a model takes to display: `tree_html` (what Jupyter shows for a Module) and `tree_summary`.

Model: `Sequential` of 1000 `Linear(8, 8)` layers (2,000 arrays, 2,000 static fields). Printed: the median time of
one call over rounds, in ms, and per array leaf in us. There is no baseline to compare with, so these are times,
not ratios; the Display chapter asks for a render well under a second.

Run: python benchmarks/display.py
"""

import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import jax

from _timing import per_call
from equinox.display import tree_html, tree_summary
from equinox.nn.composed import Sequential
from equinox.nn.linear import Linear


def median_time(fn, rounds=15, number=3):
    fn()  # the first call fills the caches of dtype checks
    return statistics.median(per_call(fn, number) for _ in range(rounds))


def main():
    model = Sequential([Linear(8, 8, key=key) for key in jax.random.split(jax.random.key(0), 1000)])
    leaves = len(jax.tree_util.tree_leaves(model))
    print(f"Sequential of 1000 Linear(8, 8): {leaves} array leaves, JAX on {jax.default_backend()}")
    for name, fn in (
        ("tree_html (statistics on)", lambda: tree_html(model)),
        ("tree_html (stats_max_size=0)", lambda: tree_html(model, stats_max_size=0)),
        ("tree_summary", lambda: tree_summary(model)),
    ):
        seconds = median_time(fn)
        print(f"{name:<32} {seconds * 1e3:8.1f} ms per render   {seconds / leaves * 1e6:6.1f} us per leaf")


if __name__ == "__main__":
    main()
