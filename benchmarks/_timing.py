"""Shared timing helpers: alternate the candidate and the baseline in rounds and report the median ratio."""

import statistics
import time


def per_call(fn, number):
    "Seconds per call of `fn()` over `number` calls."
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def alternate(candidate, baseline, *, rounds=15, number=200):
    """Time `candidate` and `baseline` in alternating rounds (A, B, A, B, ...). Returns the median of the per-round
    ratios and the median per-call times of each, in seconds."""
    ratios, times_a, times_b = [], [], []
    for _ in range(rounds):
        a = per_call(candidate, number)
        b = per_call(baseline, number)
        ratios.append(a / b)
        times_a.append(a)
        times_b.append(b)
    return statistics.median(ratios), statistics.median(times_a), statistics.median(times_b)


def row(name, ratio, a, b, target=None, unit=1e6, suffix="us"):
    verdict = "" if target is None else ("  ok" if ratio <= target else f"  ABOVE TARGET {target}")
    print(
        f"{name:<46} ratio {ratio:5.2f}   equinox {a * unit:9.2f} {suffix}   baseline {b * unit:9.2f} {suffix}{verdict}"
    )
