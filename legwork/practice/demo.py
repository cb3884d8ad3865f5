"""The demo's practice: the demo coach owns a practice of one, as every solo coach does."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .services import practice_of

if TYPE_CHECKING:
    from legwork.coaching.demo import DemoPractice


def populate(demo: DemoPractice) -> None:
    practice = practice_of(demo.coach).practice
    practice.name = "Lovelace-Moore Careers"
    practice.save(update_fields=["name"])
