"""Cost of equinox's filtered transformations with sharded arrays, against plain `jax.jit`, on 8 simulated devices.

Rows:
- dispatch: a small MLP (fully sharded) applied to a batch split along `data`: `filter_jit` called with the model,
  against `jax.jit` called with the model's arrays as a flat list (the model rebuilt inside). Tiny compute, so the
  ratio is the per-call overhead;
- step: one training step (Adam) of the byte transformer of the examples (`equinox.examples.transformer`: two
  blocks of width 64 with rotary attention, no dropout), fully sharded over 8 devices: `filter_jit` with `shard_model` constraints inside, against the same step written with `jax.jit`,
  `in_shardings`/`out_shardings` of `NamedSharding`s and the arrays passed as PyTrees of arrays only.

Both block on the result every call. Rounds alternate the two and report the median ratio.
Run: python benchmarks/sharding.py [--quick]
"""

import os
import sys

# the simulated devices must exist before JAX starts
os.environ["XLA_FLAGS"] = os.environ.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count=8"
os.environ["JAX_PLATFORMS"] = "cpu"
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P

import equinox as eqx
from equinox.examples.transformer import ByteTransformer
from equinox.sharding import fully_sharded, model_shardings, shard_batch, shard_model
from _timing import alternate, row

QUICK = "--quick" in sys.argv
ROUNDS = 5 if QUICK else 15
mesh = Mesh(np.array(jax.devices()[:8]).reshape(8), ("data",))
rules = fully_sharded(mesh, min_size=256)


def dispatch():
    model = shard_model(eqx.nn.MLP(16, 16, 64, 2, key=jax.random.key(0)), mesh, rules)
    x = shard_batch(jnp.ones((64, 16)), mesh)
    forward = eqx.filter_jit(lambda model, x: jax.vmap(model)(x))
    leaves, treedef = jax.tree_util.tree_flatten(model)
    plain = jax.jit(lambda leaves, x: jax.vmap(jax.tree_util.tree_unflatten(treedef, leaves))(x))
    assert bool(jnp.allclose(forward(model, x), plain(leaves, x)))
    ratio, a, b = alternate(
        lambda: forward(model, x).block_until_ready(),
        lambda: plain(leaves, x).block_until_ready(),
        rounds=ROUNDS,
        number=300,
    )
    row("dispatch: MLP forward, sharded (8 devices)", ratio, a, b, target=1.2)


WIDTH, HEADS, BLOCKS, WINDOW, BATCH = 64, 4, 2, 32, 32


def loss_fn(model, inputs, targets):
    return optax.softmax_cross_entropy_with_integer_labels(jax.vmap(model)(inputs), targets).mean()


optimiser = optax.adam(1e-3)


def step_time():
    model = shard_model(ByteTransformer(WIDTH, HEADS, BLOCKS, dropout=0.0, key=jax.random.key(0)), mesh, rules)
    state = optimiser.init(eqx.filter(model, eqx.is_inexact_array))
    ids = np.random.default_rng(0).integers(0, 256, (BATCH, WINDOW + 1)).astype(np.int32)
    inputs, targets = shard_batch((ids[:, :-1], ids[:, 1:]), mesh)

    @eqx.filter_jit
    def step(model, state, inputs, targets):
        loss, grads = eqx.filter_value_and_grad(loss_fn)(model, inputs, targets)
        updates, state = optimiser.update(grads, state)
        model = eqx.apply_updates(model, updates)
        return shard_model(model, mesh, rules), shard_model(state, mesh, rules), loss

    params, static = eqx.partition(model, eqx.is_array)
    param_shardings, state_shardings = model_shardings(params, mesh, rules), model_shardings(state, mesh, rules)
    batch_sharding, replicated = NamedSharding(mesh, P("data")), NamedSharding(mesh, P())

    def plain_step(params, state, inputs, targets):
        loss, grads = jax.value_and_grad(lambda p: loss_fn(eqx.combine(p, static), inputs, targets))(params)
        updates, state = optimiser.update(grads, state)
        return optax.apply_updates(params, updates), state, loss

    plain = jax.jit(
        plain_step,
        in_shardings=(param_shardings, state_shardings, batch_sharding, batch_sharding),
        out_shardings=(param_shardings, state_shardings, replicated),
    )
    a_model, a_state, a_loss = step(model, state, inputs, targets)
    b_params, b_state, b_loss = plain(params, state, inputs, targets)
    assert abs(float(a_loss) - float(b_loss)) <= 1e-6 * abs(float(b_loss))
    ratio, a, b = alternate(
        lambda: jax.block_until_ready(step(model, state, inputs, targets)),
        lambda: jax.block_until_ready(plain(params, state, inputs, targets)),
        rounds=ROUNDS,
        number=20,
    )
    row("step: byte transformer, fully sharded (8 dev)", ratio, a, b, target=1.05, unit=1e3, suffix="ms")


if __name__ == "__main__":
    print(f"{len(jax.devices())} devices: {jax.devices()[0].platform}")
    dispatch()
    step_time()
