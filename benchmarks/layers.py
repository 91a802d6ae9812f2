"""Per-call cost of equinox's layers against the same computation written directly in `jax.numpy`/`jax.lax`.

Each row runs one computation twice, over the same arrays:
- equinox: the layer (or a model built from layers) called under `eqx.filter_jit`, batched with `jax.vmap`;
- baseline: a function written by hand in `jax.numpy`/`jax.lax`, under `jax.jit`, that takes the layer's arrays
  (read off the layer once, before timing) and works on the whole batch at once.

So a ratio above 1 is what the layers cost on top of hand-written JAX: extra checks or reshapes that survive into
the compiled program, a slower formulation, or the dispatch of `filter_jit`. Rounds alternate the two
(A, B, A, B, ...) and each row reports the median of the per-round ratios, since these machines are shared and
noisy. The target is 1.05. Rows:
- Conv2d forward (3 -> 16 channels, 3x3, 32x32 images, batch 32);
- MultiheadAttention forward with a causal mask (4 heads, width 64, sequence 64, batch 8);
- LayerNorm forward (width 128, batch 256);
- a CNN training step (Conv2d, ReLU, MaxPool2d, Linear; cross-entropy; SGD) on 28x28 images, batch 32;
- a pre-norm transformer block training step (LayerNorm, causal MultiheadAttention, LayerNorm, MLP; SGD);
- informational: trace + compile time of a gradient of a depth-32 MLP, `scan=True` against `scan=False`, and the
  same at depth 128, to show where stacking starts to pay.

Run: python benchmarks/layers.py [--quick]
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
TARGET = 1.05
LEARNING_RATE = 1e-2


def compare(name, fn, args, base, base_args, number, as_base=lambda out: out):
    """Time `eqx.filter_jit(fn)(*args)` against `base(*base_args)` (already under `jax.jit`) in alternating rounds,
    after warming both up and checking that they agree. `as_base` maps equinox's output to the baseline's structure
    (a training step returns a model there, a dict of arrays here).

    A row above target is split in two, to say where the time goes: the same `fn` under plain `jax.jit`, given its
    arrays as a flat list (the tree structure and everything else closed over), against `filter_jit` is the dispatch
    cost of `filter_jit` and of flattening the model; against the baseline, the cost of the compiled program the
    layers produce."""
    # Every timed call waits for its result: otherwise a round's queued work would run, and be charged, in the
    # other side's next round. These rows measure a computation, not only its dispatch (dispatch.py does that).
    jitted = eqx.filter_jit(fn)
    ours = lambda *args: jax.block_until_ready(jitted(*args))
    out_a, out_b = jax.block_until_ready((ours(*args), base(*base_args)))
    check_agree(name, as_base(out_a), out_b)
    ratio, a, b = alternate(
        lambda: ours(*args), lambda: jax.block_until_ready(base(*base_args)), rounds=ROUNDS, number=number
    )
    row(name, ratio, a, b, target=TARGET)
    if ratio > TARGET:
        arrays, static = eqx.partition(args, eqx.is_array)
        arrays, treedef = jax.tree_util.tree_flatten(arrays)
        plain = jax.jit(lambda arrays: fn(*eqx.combine(jax.tree_util.tree_unflatten(treedef, arrays), static)))
        check_agree(name, as_base(plain(arrays)), out_b)
        plain_call = lambda: jax.block_until_ready(plain(arrays))
        dispatch, _, _ = alternate(lambda: ours(*args), plain_call, rounds=ROUNDS, number=number)
        program, _, _ = alternate(
            plain_call, lambda: jax.block_until_ready(base(*base_args)), rounds=ROUNDS, number=number
        )
        print(
            f"  of which filter_jit dispatch (vs the same function under jax.jit): {dispatch:.2f}; "
            f"compiled program (the same function under jax.jit vs the baseline): {program:.2f}"
        )


def check_agree(name, out_a, out_b):
    "The two sides must compute the same thing, or the row compares different work."
    if jax.tree_util.tree_structure(out_a) != jax.tree_util.tree_structure(out_b):
        raise AssertionError(f"{name}: the outputs have different structures")
    for a, b in zip(jax.tree_util.tree_leaves(out_a), jax.tree_util.tree_leaves(out_b)):
        if not jnp.allclose(a, b, rtol=1e-4, atol=1e-5):
            raise AssertionError(
                f"{name}: equinox and the baseline disagree (max difference {float(jnp.max(jnp.abs(a - b))):.3g})"
            )


def sgd_step(loss_fn):
    "An equinox SGD step on a model: the updated model and the loss."

    def step(model, *batch):
        loss, grads = eqx.filter_value_and_grad(loss_fn)(model, *batch)
        return eqx.apply_updates(model, jax.tree_util.tree_map(lambda g: -LEARNING_RATE * g, grads)), loss

    return step


def base_sgd_step(loss_fn):
    "The same step on a dict of arrays, under plain jax.jit."

    def step(params, *batch):
        loss, grads = jax.value_and_grad(loss_fn)(params, *batch)
        return jax.tree_util.tree_map(lambda p, g: p - LEARNING_RATE * g, params, grads), loss

    return jax.jit(step)


# --- Conv2d -------------------------------------------------------------------------------------------------------


def conv2d(x, weight, bias, padding):
    "A batched NCHW convolution, PyTorch's weight layout, bias of shape (out, 1, 1)."
    return jax.lax.conv_general_dilated(x, weight, (1, 1), padding) + bias


def conv_row(number):
    conv = eqx.nn.Conv2d(3, 16, 3, padding=1, key=jax.random.key(0))
    x = jax.random.normal(jax.random.key(1), (32, 3, 32, 32))
    base = jax.jit(lambda w, b, x: conv2d(x, w, b, ((1, 1), (1, 1))))
    compare(
        "Conv2d forward, batch 32 via vmap",
        lambda layer, x: jax.vmap(layer)(x),
        (conv, x),
        base,
        (conv.weight, conv.bias, x),
        number,
    )


# --- MultiheadAttention -------------------------------------------------------------------------------------------


def attention(params, x, mask, num_heads):
    "Causal self-attention of one batch `(B, T, D)` with PyTorch's projections (no biases), written out."
    batch, seq, width = x.shape
    head = width // num_heads
    q, k, v = ((x @ params[name].T).reshape(batch, seq, num_heads, head) for name in ("wq", "wk", "wv"))
    logits = jnp.einsum("btnh,bsnh->bnts", q, k) / jnp.sqrt(jnp.float32(head))
    weights = jax.nn.softmax(jnp.where(mask, logits, -jnp.inf), axis=-1)
    heads = jnp.einsum("bnts,bsnh->btnh", weights, v).reshape(batch, seq, width)
    return heads @ params["wo"].T


def attention_params(mha):
    return {
        "wq": mha.query_proj.weight,
        "wk": mha.key_proj.weight,
        "wv": mha.value_proj.weight,
        "wo": mha.output_proj.weight,
    }


def attention_row(number):
    heads, width, seq, batch = 4, 64, 64, 8
    mha = eqx.nn.MultiheadAttention(heads, width, key=jax.random.key(0))
    x = jax.random.normal(jax.random.key(1), (batch, seq, width))
    mask = jnp.tril(jnp.ones((seq, seq), bool))
    base = jax.jit(lambda params, x, mask: attention(params, x, mask, heads))
    compare(
        f"MultiheadAttention forward, causal, batch {batch}",
        lambda layer, x, mask: jax.vmap(lambda s: layer(s, s, s, mask))(x),
        (mha, x, mask),
        base,
        (attention_params(mha), x, mask),
        number,
    )


# --- LayerNorm ----------------------------------------------------------------------------------------------------


def layer_norm(x, weight, bias, eps=1e-5):
    "LayerNorm over the last axis of a batch."
    mean = jnp.mean(x, axis=-1, keepdims=True)
    variance = jnp.mean(jnp.square(x - mean), axis=-1, keepdims=True)
    return (x - mean) * jax.lax.rsqrt(variance + eps) * weight + bias


def layer_norm_row(number):
    norm = eqx.nn.LayerNorm(128)
    x = jax.random.normal(jax.random.key(1), (256, 128))
    compare(
        "LayerNorm forward, batch 256",
        lambda layer, x: jax.vmap(layer)(x),
        (norm, x),
        jax.jit(layer_norm),
        (x, norm.weight, norm.bias),
        number,
    )


# --- CNN training step --------------------------------------------------------------------------------------------


class CNN(eqx.Module):
    conv: eqx.nn.Conv2d
    pool: eqx.nn.MaxPool2d
    linear: eqx.nn.Linear

    def __init__(self, key):
        conv_key, linear_key = jax.random.split(key)
        self.conv = eqx.nn.Conv2d(1, 8, 3, key=conv_key)
        self.pool = eqx.nn.MaxPool2d(2, stride=2)
        self.linear = eqx.nn.Linear(8 * 13 * 13, 10, key=linear_key)

    def __call__(self, image):
        return self.linear(jnp.ravel(self.pool(jax.nn.relu(self.conv(image)))))


def cross_entropy(logits, labels):
    return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), labels[:, None], axis=-1))


def cnn_loss(model, images, labels):
    return cross_entropy(jax.vmap(model)(images), labels)


def base_cnn_loss(params, images, labels):
    hidden = jax.nn.relu(conv2d(images, params["conv_w"], params["conv_b"], ((0, 0), (0, 0))))
    pooled = jax.lax.reduce_window(hidden, -jnp.inf, jax.lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")
    logits = pooled.reshape(images.shape[0], -1) @ params["linear_w"].T + params["linear_b"]
    return cross_entropy(logits, labels)


def cnn_params(model):
    return {
        "conv_w": model.conv.weight,
        "conv_b": model.conv.bias,
        "linear_w": model.linear.weight,
        "linear_b": model.linear.bias,
    }


def cnn_row(number):
    model = CNN(jax.random.key(0))
    images = jax.random.normal(jax.random.key(1), (32, 1, 28, 28))
    labels = jax.random.randint(jax.random.key(2), (32,), 0, 10)
    compare(
        "CNN training step (Conv2d, MaxPool2d, Linear)",
        sgd_step(cnn_loss),
        (model, images, labels),
        base_sgd_step(base_cnn_loss),
        (cnn_params(model), images, labels),
        number,
        as_base=lambda out: (cnn_params(out[0]), out[1]),
    )


# --- Transformer block training step ------------------------------------------------------------------------------


class Block(eqx.Module):
    "A pre-norm transformer block on one sequence `(seq, width)`: causal self-attention, then an MLP."

    norm1: eqx.nn.LayerNorm
    attention: eqx.nn.MultiheadAttention
    norm2: eqx.nn.LayerNorm
    mlp: eqx.nn.MLP

    def __init__(self, width, heads, key):
        attention_key, mlp_key = jax.random.split(key)
        self.norm1 = eqx.nn.LayerNorm(width)
        self.attention = eqx.nn.MultiheadAttention(heads, width, key=attention_key)
        self.norm2 = eqx.nn.LayerNorm(width)
        self.mlp = eqx.nn.MLP(width, width, 4 * width, 1, activation=jax.nn.gelu, key=mlp_key)

    def __call__(self, x, mask):
        h = jax.vmap(self.norm1)(x)
        x = x + self.attention(h, h, h, mask)
        return x + jax.vmap(self.mlp)(jax.vmap(self.norm2)(x))


def block_loss(model, x, mask, target):
    return jnp.mean((jax.vmap(lambda s: model(s, mask))(x) - target) ** 2)


def base_block_loss(params, x, mask, target, heads):
    h = layer_norm(x, params["norm1_w"], params["norm1_b"])
    x = x + attention(params, h, mask, heads)
    h = layer_norm(x, params["norm2_w"], params["norm2_b"])
    h = jax.nn.gelu(h @ params["mlp1_w"].T + params["mlp1_b"]) @ params["mlp2_w"].T + params["mlp2_b"]
    return jnp.mean((x + h - target) ** 2)


def block_params(model):
    first, last = model.mlp.layers
    return {
        **attention_params(model.attention),
        "norm1_w": model.norm1.weight,
        "norm1_b": model.norm1.bias,
        "norm2_w": model.norm2.weight,
        "norm2_b": model.norm2.bias,
        "mlp1_w": first.weight,
        "mlp1_b": first.bias,
        "mlp2_w": last.weight,
        "mlp2_b": last.bias,
    }


def block_row(number):
    heads, width, seq, batch = 4, 64, 32, 8
    model = Block(width, heads, jax.random.key(0))
    x = jax.random.normal(jax.random.key(1), (batch, seq, width))
    target = jax.random.normal(jax.random.key(2), (batch, seq, width))
    mask = jnp.tril(jnp.ones((seq, seq), bool))
    base = base_sgd_step(lambda p, x, mask, target: base_block_loss(p, x, mask, target, heads))
    compare(
        f"transformer block training step, batch {batch}",
        sgd_step(block_loss),
        (model, x, mask, target),
        base,
        (block_params(model), x, mask, target),
        number,
        as_base=lambda out: (block_params(out[0]), out[1]),
    )


# --- MLP scan compile time ----------------------------------------------------------------------------------------


def scan_compile_row(depth, repeats, width=64):
    "Trace + compile of a gradient of a deep MLP, stacked (`scan=True`) against unrolled; median over fresh compiles."
    x = jax.random.normal(jax.random.key(1), (16, width))
    models = {scan: eqx.nn.MLP(width, width, width, depth, scan=scan, key=jax.random.key(0)) for scan in (True, False)}
    ratios, times = [], {True: [], False: []}
    for i in range(repeats):
        scale = float(i + 1)  # a new constant makes each function new to the compilation caches
        for scan in (True, False):
            loss = lambda model, x: jnp.mean(jax.vmap(model)(x * scale) ** 2)
            start = time.perf_counter()
            jax.block_until_ready(eqx.filter_jit(eqx.filter_grad(loss))(models[scan], x))
            times[scan].append(time.perf_counter() - start)
        ratios.append(times[True][-1] / times[False][-1])
    row(
        f"MLP depth {depth} gradient compile, scan / unrolled",
        statistics.median(ratios),
        statistics.median(times[True]),
        statistics.median(times[False]),
        unit=1e3,
        suffix="ms",
    )
    print("  (informational: the baseline column is scan=False; a ratio below 1 is scan compiling faster)")


def main():
    print(
        f"equinox from {eqx.__file__}; JAX {jax.__version__} on {jax.devices()[0].platform} "
        f"({jax.devices()[0].device_kind}); {ROUNDS} alternating rounds per row"
    )
    # Calls per round chosen so that each round takes a few tens of milliseconds on a CPU.
    scale = 4 if QUICK else 1
    conv_row(number=20 // scale)
    attention_row(number=100 // scale)
    layer_norm_row(number=1000 // scale)
    cnn_row(number=32 // scale)
    block_row(number=48 // scale)
    scan_compile_row(32, repeats=3 if QUICK else 7)
    scan_compile_row(128, repeats=3 if QUICK else 5)


if __name__ == "__main__":
    main()
