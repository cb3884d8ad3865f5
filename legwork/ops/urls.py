from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("health/", views.health_all, name="health"),
    path("health/web/", views.health_web, name="health_web"),
    path("metrics", views.metrics, name="metrics"),
]
