"""gunicorn's settings, read from the working directory (`gunicorn
config.wsgi:application` in the image, the benchmark's stack)."""

import os

# gunicorn's advice, (2 × cores) + 1 sync workers: while one waits on
# PostgreSQL the others use the cores. On the 2-core benchmark machine, 50
# users (2026-12-03, `make bench BENCH_PHASES=load`): 3 → 5 workers took the
# p95 of all requests from 180 to 160 ms and their p99 from 290 to 240 ms.
# WEB_CONCURRENCY sets another number (the convention gunicorn follows).
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * len(os.sched_getaffinity(0)) + 1)
