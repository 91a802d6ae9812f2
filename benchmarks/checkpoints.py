"""Save and load throughput of `equinox.checkpoints` against NumPy, for a model of about 100 MB, measured in one run.

Each row does the same work twice, over the same arrays (an MLP of width 2048 and depth 6, float32, 100.7 MB):
- equinox: `save(path, model)` (safetensors file; JSON structure; a CRC-32 of each array; temporary file, fsync,
  rename), and `load(path)` (header checks, one read, checksums, JAX arrays back on the device);
- baseline: `np.save` of each array in turn into one file (the arrays taken from the same JAX model), and
  `np.load` of them back (NumPy arrays on the host; a second load row adds `jax.device_put`, which `load` does).

Rounds alternate the two (A, B, A, B, ...) and each row reports the median of the per-round ratios and the
throughput in GB/s. Files live in a temporary directory (the OS page cache makes this a test of the code path,
not of the disk). A last row gives what the checksums cost: CRC-32 of all arrays' bytes, alone.

Run: python benchmarks/checkpoints.py [--quick]
"""

import os
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import jax
import numpy as np

import equinox as eqx
from _timing import alternate, row
from equinox.checkpoints import load, save

QUICK = "--quick" in sys.argv
ROUNDS = 5 if QUICK else 11


def numpy_save(path, leaves):
    with open(path, "wb") as file:
        for leaf in leaves:
            np.save(file, np.asarray(leaf))


def numpy_load(path, count):
    with open(path, "rb") as file:
        return [np.load(file) for _ in range(count)]


def main():
    model = eqx.nn.MLP(1024, 1024, 2048, 6, key=jax.random.key(0))
    leaves = jax.tree_util.tree_leaves(model)
    size = sum(leaf.nbytes for leaf in leaves)
    print(
        f"equinox from {eqx.__file__}; JAX {jax.__version__} on {jax.devices()[0].platform}; model "
        f"{size / 1e6:.1f} MB in {len(leaves)} arrays; {ROUNDS} alternating rounds per row"
    )
    gb = dict(unit=1e3, suffix="ms")
    with tempfile.TemporaryDirectory() as folder:
        ours, theirs = os.path.join(folder, "model.safetensors"), os.path.join(folder, "model.npy")
        save(ours, model)
        numpy_save(theirs, leaves)
        ratio, a, b = alternate(lambda: save(ours, model), lambda: numpy_save(theirs, leaves), rounds=ROUNDS, number=1)
        row("save / np.save", ratio, a, b, **gb)
        print(f"  save {size / a / 1e9:.2f} GB/s, np.save {size / b / 1e9:.2f} GB/s")
        ratio, a, b = alternate(
            lambda: jax.block_until_ready(load(ours)), lambda: numpy_load(theirs, len(leaves)), rounds=ROUNDS, number=1
        )
        row("load / np.load", ratio, a, b, **gb)
        print(f"  load {size / a / 1e9:.2f} GB/s, np.load {size / b / 1e9:.2f} GB/s")
        ratio, a, b = alternate(
            lambda: jax.block_until_ready(load(ours)),
            lambda: jax.block_until_ready(jax.device_put(numpy_load(theirs, len(leaves)))),
            rounds=ROUNDS,
            number=1,
        )
        row("load / (np.load + jax.device_put)", ratio, a, b, **gb)
        host = [np.asarray(leaf) for leaf in leaves]
        start = time.perf_counter()
        for leaf in host:
            zlib.crc32(leaf.reshape(-1).view(np.uint8))
        crc = time.perf_counter() - start
        print(f"checksums alone (CRC-32 of all arrays): {crc * 1e3:.1f} ms, {size / crc / 1e9:.2f} GB/s")


if __name__ == "__main__":
    main()
