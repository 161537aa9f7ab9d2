"""cxgraph's benchmark suite: every pipeline stage on synthetic vocabularies, beside its floors.

Run ``python -m benchmarks`` (or ``make bench``); see the Benchmarks section of the README for what is measured
and the latest results. Each measurement that depends on process state (start-up, peak memory,
a fresh store) runs in a fresh subprocess (:mod:`benchmarks.worker`); the suite itself
(:mod:`benchmarks.suite`) only orchestrates, takes medians and writes the report.
"""
