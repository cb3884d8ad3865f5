"""The phone's parts of other pages: the offline queue and install hint on the home, push on the devices page."""

from __future__ import annotations

from typing import Any

from django import template

from legwork.lib.panels import panel
from legwork.reminders.models import PushSubscription, preferences_for
from legwork.reminders.push import vapid_public_key


@panel("client_home.bottom", "phone/_home_panel.html", order=5)
def phone_on_client_home(context: template.Context, subject: Any) -> dict[str, Any]:
    """No queries: what waits to sync lives on the device, and phone.js fills it in."""
    return {}


@panel("devices.bottom", "phone/_push_panel.html", order=5)
def push_on_devices(context: template.Context, subject: Any) -> dict[str, Any]:
    """The person's push devices, each to turn off, and the button that turns push on here (two queries)."""
    devices = list(PushSubscription.objects.visible_to(subject).order_by("-created_at", "-pk")[:50])
    return {
        "push_devices": [d for d in devices if d.is_active],
        "push_gone": [d for d in devices if not d.is_active][:10],
        "vapid_public_key": vapid_public_key(),
        "push_prefs": preferences_for(subject),
    }
