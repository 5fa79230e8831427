"""Demo data for `make run` and the benchmarks: the generator (`demo.generator`)
and its `seed_demo` command. The top layer: it writes through every app."""
