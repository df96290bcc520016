"""Shared timing for the PyTorch reference benchmarks: warm up, calibrate, median of rounds."""
import time


def median_time(fn, seconds=1.0, rounds=7):
    """Median seconds per call of fn over `rounds` rounds filling about `seconds` in all."""
    warm = time.perf_counter()
    while time.perf_counter() - warm < max(0.5, seconds / 2):
        fn()
    n = 1
    while True:
        t = time.perf_counter()
        for _ in range(n):
            fn()
        if time.perf_counter() - t > seconds / rounds / 4:
            break
        n *= 2
    n *= 4
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        times.append((time.perf_counter() - t) / n)
    return sorted(times)[rounds // 2]
