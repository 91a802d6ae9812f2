"""Per-call cost of equinox's filtered transformations against plain `jax.jit`, measured in one run.

Each row runs the identical computation twice:
- equinox: `filter_jit` / `jitf` called with the whole model (a Module with a static activation function);
- baseline: plain `jax.jit` called with the model's arrays as a flat list, the model rebuilt inside the traced
  function from its structure, which is closed over. (The forward and method rows also print the ratio against
  `jax.jit` given the same Module: JAX's own cost of flattening a Module argument is in both sides there.)

Rounds alternate the two (A, B, A, B, ...) and each row reports the median of the per-round ratios, since these
machines are shared and noisy. Rows:
- forward pass and SGD gradient step of an MLP (depth 4, width 64, batch 32, through jax.vmap);
- the same for a larger MLP (depth 12, width 256, batch 256);
- the first call (trace + compile), with fresh functions each repeat;
- a method decorated with `filter_jit` called through its instance (the instance a traced argument);
- `filter_vmap` over an ensemble of MLPs inside `filter_jit`, against `jax.vmap` over the stacked arrays;
- a training step with an `error_if` inside (a finite-loss check), against the same step without it: the ratio
  of the per-call cost, and whether the call returns before its result is ready;
- dispatch cost per extra leaf, from trees of 10 to 10000 small arrays.

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
    for f in (
        lambda: forward(model, x),
        lambda: base_forward(leaves, x),
        lambda: step(model, x, y),
        lambda: base_step(leaves, x, y),
    ):
        jax.block_until_ready(f())
    ratio, a, b = alternate(lambda: forward(model, x), lambda: base_forward(leaves, x), rounds=ROUNDS, number=number)
    jax.block_until_ready(forward(model, x))
    row(f"{label} forward", ratio, a, b, target=1.2)
    same_module(lambda: forward(model, x), jax.jit(lambda model, x: jax.vmap(model)(x)), (model, x), number)
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
    row(
        "first call (trace + compile), gradient",
        statistics.median(ratios),
        statistics.median(times_a),
        statistics.median(times_b),
        target=1.2,
        unit=1e3,
        suffix="ms",
    )


class Regressor(eqx.Module):
    mlp: eqx.nn.MLP

    @eqx.filter_jit
    def predict(self, x):
        return jax.vmap(self.mlp)(x)


def method_row():
    model, leaves, treedef, x, _ = make_case(4, 64, 32)
    regressor = Regressor(model)
    base = jax.jit(lambda leaves, x: jax.vmap(jax.tree_util.tree_unflatten(treedef, leaves))(x))
    jax.block_until_ready((regressor.predict(x), base(leaves, x)))
    ratio, a, b = alternate(lambda: regressor.predict(x), lambda: base(leaves, x), rounds=ROUNDS, number=1000)
    row("method with filter_jit, through the instance", ratio, a, b, target=1.2)
    same_module(lambda: regressor.predict(x), jax.jit(lambda r, x: jax.vmap(r.mlp)(x)), (regressor, x), 1000)


def same_module(ours, plain, args, number):
    """Informational: the same call against plain `jax.jit` given the same Module rather than a flat list, which
    separates what filter_jit adds from JAX's own cost of flattening a Module argument."""
    jax.block_until_ready((ours(), plain(*args)))
    ratio, _, _ = alternate(ours, lambda: plain(*args), rounds=ROUNDS, number=number)
    jax.block_until_ready(ours())
    print(f"  against jax.jit given the same Module: {ratio:.2f}")


def ensemble_row(size=8):
    keys = jax.random.split(jax.random.key(0), size)
    ensemble = eqx.filter_vmap(lambda k: eqx.nn.MLP(16, 8, 64, 4, key=k))(keys)
    x = jax.random.normal(jax.random.key(1), (32, 16))
    ours = eqx.filter_jit(eqx.filter_vmap(lambda m, x: jax.vmap(m)(x), in_axes=(eqx.if_array(0), None)))
    leaves, treedef = jax.tree_util.tree_flatten(ensemble)
    base = jax.jit(jax.vmap(lambda ls, x: jax.vmap(jax.tree_util.tree_unflatten(treedef, ls))(x), in_axes=(0, None)))
    jax.block_until_ready((ours(ensemble, x), base(leaves, x)))
    ratio, a, b = alternate(lambda: ours(ensemble, x), lambda: base(leaves, x), rounds=ROUNDS, number=500)
    row(f"filter_vmap ensemble of {size} MLPs, in filter_jit", ratio, a, b, target=1.2)


def error_if_row():
    model, leaves, treedef, x, y = make_case(4, 64, 32)

    def step(model, x, y, check):
        loss, grads = eqx.filter_value_and_grad(loss_fn)(model, x, y)
        if check:
            loss = eqx.error_if(loss, ~jnp.isfinite(loss), "the loss is not finite")
        return eqx.apply_updates(model, jax.tree_util.tree_map(lambda g: -1e-3 * g, grads)), loss

    checked = eqx.filter_jit(lambda m, x, y: step(m, x, y, True))
    plain = eqx.filter_jit(lambda m, x, y: step(m, x, y, False))
    jax.block_until_ready((checked(model, x, y), plain(model, x, y)))
    ratio, a, b = alternate(lambda: checked(model, x, y), lambda: plain(model, x, y), rounds=ROUNDS, number=300)
    row("step with error_if / the same step without", ratio, a, b, target=1.2)
    big = jax.random.normal(jax.random.key(3), (20_000, 16))  # enough work to still be running on return
    jax.block_until_ready(checked(model, big, jnp.zeros((20_000, 8))))
    queued = plain(model, big, jnp.zeros((20_000, 8)))  # work queued ahead, as in a training loop
    out = checked(model, big, jnp.zeros((20_000, 8)))
    print(f"  error_if step returned before its result was ready: {not out[1].is_ready()}")
    jax.block_until_ready((queued, out))


def per_leaf():
    "Extra dispatch cost per leaf: equinox minus jax.jit on a list of n scalars, fitted over n."
    sizes = (10, 100, 1000, 10000)
    extra = []
    for n in sizes:
        tree = [jnp.zeros(()) for _ in range(n)]
        ours = eqx.filter_jit(lambda t: t[0])
        base = jax.jit(lambda t: t[0])
        jax.block_until_ready(ours(tree))
        jax.block_until_ready(base(tree))
        ratio, a, b = alternate(lambda: ours(tree), lambda: base(tree), rounds=ROUNDS, number=max(5, 2000 // n))
        row(f"{n:5d} leaves, filter_jit / jax.jit", ratio, a, b, target=1.15)
        extra.append(a - b)
    slope = (extra[-1] - extra[0]) / (sizes[-1] - sizes[0])
    print(f"extra cost per leaf beyond jax.jit: {slope * 1e9:.0f} ns")


def main():
    print(
        f"equinox from {eqx.__file__}; JAX {jax.__version__} on {jax.devices()[0].platform} "
        f"({jax.devices()[0].device_kind}); {ROUNDS} alternating rounds per row"
    )
    steady_state("MLP d4 w64 b32", 4, 64, 32, number=1000)
    steady_state("MLP d12 w256 b256", 12, 256, 256, number=100)
    first_call(5 if QUICK else 9)
    method_row()
    ensemble_row()
    error_if_row()
    per_leaf()


if __name__ == "__main__":
    main()
