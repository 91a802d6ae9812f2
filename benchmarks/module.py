"""Module overheads against plain dataclasses, measured in one run.

1. Construction of a 3-field Module, as a ratio to a frozen dataclass with the same fields.
2. Flatten + unflatten of a 5-layer MLP-shaped tree of Modules, as a ratio to the same tree built from plain
   dataclasses registered with `jax.tree_util.register_dataclass`.
3. Attribute access, method access (a bound-method PyTree against a Python bound method) and calls.

Run: python benchmarks/module.py
"""

import dataclasses
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import jax
import jax.numpy as jnp

import equinox as eqx
from _timing import alternate, row


class ThreeFields(eqx.Module):
    a: jax.Array
    b: jax.Array
    c: jax.Array


@dataclasses.dataclass(frozen=True)
class PlainThreeFields:
    a: jax.Array
    b: jax.Array
    c: jax.Array


class Layer(eqx.Module):
    weight: jax.Array
    bias: jax.Array
    in_features: int = eqx.field(static=True)
    out_features: int = eqx.field(static=True)


class WithMethod(eqx.Module):
    weight: jax.Array

    def method(self, x):
        return x

    def __call__(self, x):
        return x


class PlainWithMethod:
    def __init__(self, weight):
        self.weight = weight

    def method(self, x):
        return x

    def __call__(self, x):
        return x


class Network(eqx.Module):
    layers: list
    activation: object = eqx.field(static=True)


@jax.tree_util.register_dataclass
@dataclasses.dataclass(frozen=True)
class PlainLayer:
    weight: jax.Array
    bias: jax.Array
    in_features: int = dataclasses.field(metadata=dict(static=True))
    out_features: int = dataclasses.field(metadata=dict(static=True))


@jax.tree_util.register_dataclass
@dataclasses.dataclass(frozen=True)
class PlainNetwork:
    layers: list
    activation: object = dataclasses.field(metadata=dict(static=True))


def mlp(layer_cls, network_cls, sizes=(2, 64, 64, 64, 64, 2)):
    layers = [layer_cls(jnp.zeros((o, i)), jnp.zeros(o), i, o) for i, o in zip(sizes[:-1], sizes[1:])]
    return network_cls(layers, jax.nn.relu)


def main():
    print(f"equinox from {eqx.__file__}; JAX {jax.__version__} on {jax.devices()[0].platform}")
    x, y, z = jnp.zeros(1), jnp.zeros(2), jnp.zeros(3)
    ratio, a, b = alternate(lambda: ThreeFields(x, y, z), lambda: PlainThreeFields(x, y, z), number=20000)
    row("construct 3-field Module / frozen dataclass", ratio, a, b, target=3.0)
    ratio, a, b = alternate(lambda: ThreeFields(a=x, b=y, c=z), lambda: PlainThreeFields(a=x, b=y, c=z), number=20000)
    row("  same, by keyword", ratio, a, b, target=3.0)

    ours, plain = mlp(Layer, Network), mlp(PlainLayer, PlainNetwork)
    flatten, unflatten = jax.tree_util.tree_flatten, jax.tree_util.tree_unflatten
    ours_def, plain_def = jax.tree_util.tree_structure(ours), jax.tree_util.tree_structure(plain)
    ratio, a, b = alternate(
        lambda: unflatten(ours_def, flatten(ours)[0]), lambda: unflatten(plain_def, flatten(plain)[0]), number=5000
    )
    row("flatten+unflatten 5-layer MLP / register_dataclass", ratio, a, b, target=1.5)
    ratio, a, b = alternate(lambda: flatten(ours), lambda: flatten(plain), number=5000)
    row("  flatten only", ratio, a, b)
    leaves = flatten(ours)[0]
    ratio, a, b = alternate(lambda: unflatten(ours_def, leaves), lambda: unflatten(plain_def, leaves), number=5000)
    row("  unflatten only", ratio, a, b)
    ratio, a, b = alternate(lambda: ours.layers[0].weight, lambda: plain.layers[0].weight, number=50000)
    row("attribute access / dataclass", ratio, a, b, unit=1e9, suffix="ns")

    ours, plain = WithMethod(x), PlainWithMethod(x)
    ratio, a, b = alternate(lambda: ours.method, lambda: plain.method, number=50000)
    row("method access / Python bound method", ratio, a, b, unit=1e9, suffix="ns")
    ratio, a, b = alternate(lambda: ours.method(1), lambda: plain.method(1), number=50000)
    row("  method call m.method(x) / Python", ratio, a, b, unit=1e9, suffix="ns")
    ratio, a, b = alternate(lambda: ours(1), lambda: plain(1), number=50000)
    row("call m(x) / plain object", ratio, a, b, unit=1e9, suffix="ns")


if __name__ == "__main__":
    main()
