"""A bare Django intake for the throughput comparison: the same fields, stored unencrypted,
with the same receipt key derivation. BENCHMARK ONLY: never installed by the product."""
