"""feedmaker benchmarks: `python -m benchmarks [--quick]` prints speed, cost and scale figures.

Every workload is generated and served on 127.0.0.1; every comparison is a ratio measured in the
same run (interleaved repetitions, medians). See docs/performance.md for what limits each figure.
"""
