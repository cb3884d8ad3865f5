"""What the scale seeder has built, so `make bench` seeds only what is missing."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ScaleSeed(models.Model):
    """One row: how many scale coaches (numbered from 0) are fully seeded.

    The seeder commits coach by coach batch and moves `coaches` forward after each
    batch, so an interrupted run resumes where it stopped and a larger size adds
    only the coaches that are missing.
    """

    coaches = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.coaches} scale coaches seeded"
