"""What a deployment's settings (legwork/settings.py) load, and what they leave to the bench."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client


@pytest.mark.django_db
def test_a_deployment_has_no_bench_app_and_no_ceiling_endpoints(client: Client) -> None:
    from legwork.wsgi import application

    assert not apps.is_installed("legwork.bench")
    assert client.get("/bench/trivial/").status_code == 404
    # Django's own handler, not the bench's wrapper that answers /bench/raw/ in front of it.
    assert type(application) is WSGIHandler


def test_the_bench_settings_add_the_bench_app_to_the_deployments() -> None:
    from legwork import settings

    bench = importlib.import_module("legwork.bench.settings")

    assert [*settings.INSTALLED_APPS, "legwork.bench"] == bench.INSTALLED_APPS
    assert bench.ROOT_URLCONF == "legwork.bench.urls"
