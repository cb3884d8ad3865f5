"""What a device sent after writing it offline: one row per item, so a replay answers the first result."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class OfflineItem(models.Model):
    """One item written on a device without a connection and sent when it came back.

    `key` is made on the device (a random UUID) when the item is written; the unique constraint
    on (person, key) is what makes sending it again (a lost answer, two tabs syncing at once)
    harmless: the second send finds the row and answers its stored `result`.
    """

    class Kind(models.TextChoices):
        PROGRESS = "progress", "Progress entry"
        DRAFT = "draft", "Journal draft"
        THINKING = "thinking", "Thinking time marked"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The device's clock when it was written (as sent), and ours when it arrived.
    written_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    result = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_offline_item_per_key")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
