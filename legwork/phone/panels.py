"""The phone's part of the client's home: the offline queue and the "add to home screen" hint."""

from __future__ import annotations

from typing import Any

from django import template

from legwork.lib.panels import panel


@panel("client_home.bottom", "phone/_home_panel.html", order=5)
def phone_on_client_home(context: template.Context, subject: Any) -> dict[str, Any]:
    """No queries: what waits to sync lives on the device, and phone.js fills it in."""
    return {}
