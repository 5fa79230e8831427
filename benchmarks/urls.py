"""The product's URLs plus the benchmark's floor view (benchmarks.server.floor),
which exists only in the stack `make bench` starts (benchmarks.settings)."""

from django.urls import path

from benchmarks.server import floor
from config.urls import urlpatterns as product_urlpatterns

urlpatterns = [path("__banc__/plancher/", floor, name="bench_floor"), *product_urlpatterns]
