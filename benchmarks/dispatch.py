"""Per-call cost of equinox's filtered transformations against plain `jax.jit`, measured in one run.

Each row runs the identical computation twice:
- equinox: `filter_jit` / `jitf` called with the whole model (a Module with a static activation function);
- baseline: plain `jax.jit` called with the model's arrays as a flat list, the model rebuilt inside the traced
  function from its structure, which is closed over.

Rounds alternate the two (A, B, A, B, ...) and each row reports the median of the per-round ratios, since these
machines are shared and noisy. Rows:
- forward pass and SGD gradient step of an MLP (depth 4, width 64, batch 32, through jax.vmap);
- the same for a larger MLP (depth 12, width 256, batch 256);
- the first call (trace + compile), with fresh functions each repeat;
- dispatch cost per extra leaf, from trees of 10 to 1000 small arrays.

Run: python benchmarks/dispatch.py [--quick]
"""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import jax
import jax.numpy as jnp

import equinox as eqx
from _timing import alternate, row

QUICK = "--quick" in sys.argv
ROUNDS = 7 if QUICK else 21


def loss_fn(model, x, y):
    return jnp.mean((jax.vmap(model)(x) - y) ** 2)


def sgd(model, grads, learning_rate=1e-3):
    return jax.tree_util.tree_map(lambda p, g: p - learning_rate * g, model, grads)


def make_case(depth, width, batch, seed=0):
    key = jax.random.key(seed)
    model = eqx.nn.MLP(16, 8, width, depth, key=key)
    x = jax.random.normal(jax.random.key(1), (batch, 16))
    y = jax.random.normal(jax.random.key(2), (batch, 8))
    leaves, treedef = jax.tree_util.tree_flatten(model)
    return model, leaves, treedef, x, y


def equinox_functions():
    forward = eqx.filter_jit(lambda model, x: jax.vmap(model)(x))

    def step(model, x, y):
        loss, grads = eqx.filter_value_and_grad(loss_fn)(model, x, y)
        return eqx.apply_updates(model, jax.tree_util.tree_map(lambda g: -1e-3 * g, grads)), loss

    return forward, eqx.jitf(step, filter_fn=eqx.is_array)


def baseline_functions(treedef):
    def forward(leaves, x):
        return jax.vmap(jax.tree_util.tree_unflatten(treedef, leaves))(x)

    def step(leaves, x, y):
        loss, grads = jax.value_and_grad(lambda ls: loss_fn(jax.tree_util.tree_unflatten(treedef, ls), x, y))(leaves)
        return [p - 1e-3 * g for p, g in zip(leaves, grads)], loss

    return jax.jit(forward), jax.jit(step)


def steady_state(label, depth, width, batch, number):
    model, leaves, treedef, x, y = make_case(depth, width, batch)
    forward, step = equinox_functions()
    base_forward, base_step = baseline_functions(treedef)
    for f in (lambda: forward(model, x), lambda: base_forward(leaves, x),
              lambda: step(model, x, y), lambda: base_step(leaves, x, y)):
        jax.block_until_ready(f())
    ratio, a, b = alternate(lambda: forward(model, x), lambda: base_forward(leaves, x), rounds=ROUNDS, number=number)
    jax.block_until_ready(forward(model, x))
    row(f"{label} forward", ratio, a, b, target=1.2)
    ratio, a, b = alternate(lambda: step(model, x, y), lambda: base_step(leaves, x, y), rounds=ROUNDS, number=number)
    jax.block_until_ready(step(model, x, y))
    row(f"{label} gradient step", ratio, a, b, target=1.2)


def first_call(repeats):
    "Trace + compile time of a fresh function, equinox against plain jax.jit; median ratio over repeats."
    model, leaves, treedef, x, y = make_case(4, 64, 32)
    ratios, times_a, times_b = [], [], []
    for i in range(repeats):
        scale = float(i + 1)  # a new constant makes each function new to both caches

        def ours(model, x, y):
            return loss_fn(model, x * scale, y)

        def base(leaves, x, y):
            return loss_fn(jax.tree_util.tree_unflatten(treedef, leaves), x * scale, y)

        start = time.perf_counter()
        jax.block_until_ready(eqx.filter_jit(eqx.filter_grad(ours))(model, x, y))
        a = time.perf_counter() - start
        start = time.perf_counter()
        jax.block_until_ready(jax.jit(jax.grad(base))(leaves, x, y))
        b = time.perf_counter() - start
        ratios.append(a / b)
        times_a.append(a)
        times_b.append(b)
    row("first call (trace + compile), gradient", statistics.median(ratios), statistics.median(times_a),
        statistics.median(times_b), target=1.2, unit=1e3, suffix="ms")


def per_leaf():
    "Extra dispatch cost per leaf: equinox minus jax.jit on a list of n scalars, fitted over n."
    sizes = (10, 100, 1000)
    extra = []
    for n in sizes:
        tree = [jnp.zeros(()) for _ in range(n)]
        ours = eqx.filter_jit(lambda t: t[0])
        base = jax.jit(lambda t: t[0])
        jax.block_until_ready(ours(tree))
        jax.block_until_ready(base(tree))
        ratio, a, b = alternate(lambda: ours(tree), lambda: base(tree), rounds=ROUNDS, number=max(20, 2000 // n))
        row(f"{n:5d} leaves, filter_jit / jax.jit", ratio, a, b)
        extra.append(a - b)
    slope = (extra[-1] - extra[0]) / (sizes[-1] - sizes[0])
    print(f"extra cost per leaf beyond jax.jit: {slope * 1e9:.0f} ns")


def main():
    print(f"equinox from {eqx.__file__}; JAX {jax.__version__} on {jax.devices()[0].platform} "
          f"({jax.devices()[0].device_kind}); {ROUNDS} alternating rounds per row")
    steady_state("MLP d4 w64 b32", 4, 64, 32, number=1000)
    steady_state("MLP d12 w256 b256", 12, 256, 256, number=100)
    first_call(5 if QUICK else 9)
    per_leaf()


if __name__ == "__main__":
    main()
