"""Legwork's URLs plus the trivial view, loaded only by legwork.bench.settings."""

from django.urls import path

from legwork.bench import views
from legwork.urls import urlpatterns as legwork_urlpatterns

urlpatterns = [
    path("bench/trivial/", views.trivial, name="bench_trivial"),
    *legwork_urlpatterns,
]
