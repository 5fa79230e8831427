"""Settings of the stack `make bench` starts: the production settings
(config.settings, DEBUG off) plus, for the benchmark only, the floor view
(benchmarks.urls) and a middleware that reports each response's server time
and SQL count in headers (benchmarks.server). The product's URLs and
middleware are untouched."""

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE

ROOT_URLCONF = "benchmarks.urls"
MIDDLEWARE = ["benchmarks.server.ServerTimingMiddleware", *MIDDLEWARE]
