"""Helpers for the homework pages' tests: a signed-in client, htmx's header, the wrap-up form's data."""

from __future__ import annotations

from typing import Any

from django.test import Client

from legwork.accounts.models import User

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def wrap_up_data(rows: list[dict[str, str]], total: int | None = None, **extra: str) -> dict[str, str]:
    data = {
        "homework-TOTAL_FORMS": str(len(rows) if total is None else total),
        "homework-INITIAL_FORMS": "0",
        "homework-MIN_NUM_FORMS": "0",
        "homework-MAX_NUM_FORMS": "12",
        **extra,
    }
    for index, row in enumerate(rows):
        data.update({f"homework-{index}-{key}": value for key, value in {"purpose": "act", **row}.items()})
    return data
