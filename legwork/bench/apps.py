from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "legwork.bench"
    label = "bench"
    verbose_name = "Benchmark"
