"""Training step time under a mixed-precision policy (`equinox.precision`) against the same step in float32.

The model is an MLP (width 1024, depth 4, batch 256) trained with Adam; both steps are one `filter_jit` around
`filter_value_and_grad`, and differ only in the model: the float32 row calls it as it is, the mixed rows call
`mixed_precision(model, policy)`. Rounds alternate the two (A, B, A, B, ...) and each row reports the median of
the per-round ratios.

On a CPU, bfloat16 and float16 are usually *slower* than float32 (no native half-precision matrix units; XLA
converts and computes in float32), so a ratio above 1 there is expected. On a GPU with tensor cores (A100, H100)
the bfloat16 step is the one to look at.

Run: python benchmarks/precision.py [--quick]
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import jax
import jax.numpy as jnp
import optax

import equinox as eqx
from _timing import alternate, row
from equinox.precision import DynamicLossScale, Policy, all_finite, mixed_precision, select_tree

QUICK = "--quick" in sys.argv
ROUNDS = 5 if QUICK else 11
WIDTH, DEPTH, BATCH = (512, 3, 128) if QUICK else (1024, 4, 256)


def make_step(optimiser, scaled):
    @eqx.filter_jit
    def step(model, opt_state, scaler, x, y):
        def loss_fn(model):
            loss = jnp.mean((jax.vmap(model)(x) - y) ** 2)
            return scaler.scale(loss) if scaled else loss

        grads = eqx.filter_grad(loss_fn)(model)
        if scaled:
            grads = scaler.unscale(grads)
            finite = all_finite(grads)
        updates, new_state = optimiser.update(grads, opt_state)
        new_model = eqx.apply_updates(model, updates)
        if scaled:
            new_model, new_state = select_tree(finite, (new_model, new_state), (model, opt_state))
            scaler = scaler.adjust(finite)
        return new_model, new_state, scaler

    return step


def main():
    key_model, key_x, key_y = jax.random.split(jax.random.key(0), 3)
    model = eqx.nn.MLP(WIDTH, WIDTH, WIDTH, DEPTH, key=key_model)
    x = jax.random.normal(key_x, (BATCH, WIDTH))
    y = jax.random.normal(key_y, (BATCH, WIDTH))
    optimiser = optax.adam(1e-4)
    device = jax.devices()[0]
    print(
        f"equinox from {eqx.__file__}; JAX {jax.__version__} on {device.platform} ({device.device_kind}); MLP width "
        f"{WIDTH}, depth {DEPTH}, batch {BATCH}; {ROUNDS} alternating rounds per row"
    )
    if device.platform == "cpu":
        print("note: on a CPU half precision is usually slower than float32 (no native half-precision matmul)")

    def runner(model, step, scaler):
        opt_state = optimiser.init(eqx.filter(model, eqx.is_inexact_array))

        def run():
            jax.block_until_ready(step(model, opt_state, scaler, x, y))

        run()  # compile
        return run

    number = 3 if device.platform == "cpu" else 20
    baseline = runner(model, make_step(optimiser, False), None)
    for name, policy, scaled in (
        ("bfloat16 / float32", Policy(compute_dtype="bfloat16"), False),
        ("float16 + dynamic loss scale / float32", Policy(compute_dtype="float16"), True),
    ):
        scaler = DynamicLossScale() if scaled else None
        candidate = runner(mixed_precision(model, policy), make_step(optimiser, scaled), scaler)
        ratio, a, b = alternate(candidate, baseline, rounds=ROUNDS, number=number)
        row(f"step time {name}", ratio, a, b, unit=1e3, suffix="ms")


if __name__ == "__main__":
    main()
