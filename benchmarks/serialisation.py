"""Save and load throughput of `tree_serialise_leaves` / `tree_deserialise_leaves` against a plain NumPy loop.

The model is an MLP of about 100 MB (float32, 1024 -> 2048 x 5 hidden layers -> 1024). Each row times the same
work done two ways, in alternating rounds (A, B, A, B, ...), and reports the median of the per-round ratios,
since these machines are shared and noisy:
- write to a path: `tree_serialise_leaves(path, model)` (temporary file, fsync, atomic rename) against
  `np.save(f, np.asarray(leaf))` for every array leaf into `open(path, "wb")`;
- write to an open file: the same, both into an already open file (the format's cost without the fsync);
- read from a path: `tree_deserialise_leaves(path, like)` (with the shape/dtype checks, into JAX arrays) against
  `jnp.asarray(np.load(f))` for every leaf from `open(path, "rb")`;
- read into a `filter_eval_shape` skeleton instead of a built model.

Run: python benchmarks/serialisation.py [--quick]
"""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import jax
import jax.numpy as jnp
import numpy as np

import equinox as eqx
from equinox.callbacks import filter_eval_shape
from equinox.serialisation import tree_deserialise_leaves, tree_serialise_leaves
from _timing import alternate

QUICK = "--quick" in sys.argv
ROUNDS = 3 if QUICK else 9


def make(key):
    return eqx.nn.MLP(1024, 1024, 2048, 6, key=key)


def plain_save(path, leaves):
    with open(path, "wb") as f:
        for leaf in leaves:
            np.save(f, np.asarray(leaf))


def plain_load(path, count):
    with open(path, "rb") as f:
        return [jnp.asarray(np.load(f)) for _ in range(count)]


def report(name, ratio, a, b, megabytes):
    print(
        f"{name:<34} ratio {ratio:5.2f}   equinox {a * 1e3:8.1f} ms ({megabytes / a:7.0f} MB/s)   "
        f"numpy loop {b * 1e3:8.1f} ms ({megabytes / b:7.0f} MB/s)"
    )


def main():
    model = make(jax.random.key(0))
    leaves = [leaf for leaf in jax.tree_util.tree_leaves(model) if eqx.is_array(leaf)]
    megabytes = sum(leaf.nbytes for leaf in leaves) / 1e6
    like = make(jax.random.key(1))
    skeleton = filter_eval_shape(make, jax.random.key(1))
    print(f"model: {len(leaves)} arrays, {megabytes:.0f} MB; {ROUNDS} alternating rounds; device {jax.devices()[0]}")
    with tempfile.TemporaryDirectory() as directory:
        ours, theirs = os.path.join(directory, "model.eqx"), os.path.join(directory, "plain.npy")
        report(
            "write to a path",
            *alternate(
                lambda: tree_serialise_leaves(ours, model), lambda: plain_save(theirs, leaves), rounds=ROUNDS, number=1
            ),
            megabytes,
        )

        def write_open(path, fn):
            with open(path, "wb") as f:
                fn(f)

        report(
            "write to an open file",
            *alternate(
                lambda: write_open(ours, lambda f: tree_serialise_leaves(f, model)),
                lambda: write_open(theirs, lambda f: [np.save(f, np.asarray(leaf)) for leaf in leaves]),
                rounds=ROUNDS,
                number=1,
            ),
            megabytes,
        )

        def read(like):
            jax.block_until_ready(tree_deserialise_leaves(ours, like))

        def read_plain():
            jax.block_until_ready(plain_load(theirs, len(leaves)))

        report("read from a path", *alternate(lambda: read(like), read_plain, rounds=ROUNDS, number=1), megabytes)
        report(
            "read into a skeleton", *alternate(lambda: read(skeleton), read_plain, rounds=ROUNDS, number=1), megabytes
        )
        assert eqx.tree_equal(tree_deserialise_leaves(ours, skeleton), model)


if __name__ == "__main__":
    main()
