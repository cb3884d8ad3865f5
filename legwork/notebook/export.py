"""What the notebook adds to an export (called from legwork/exports/contrib.py).

A client's export holds everything of theirs, private entries and drafts included.
An engagement's part of a coach's export holds only the entries shared in it, read
through the same `visible_to` rule as the coach's pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .models import EntryDraft, JournalEntry, ThinkingTimeBlock

if TYPE_CHECKING:
    from legwork.accounts.models import User
    from legwork.coaching.models import Engagement


def _entry(entry: JournalEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "title": entry.title,
        "body": entry.body,
        "prompt": entry.prompt,
        "tags": entry.tag_list,
        "homework_id": entry.homework_id,
        "shared_with_engagement_id": entry.shared_with_id,
        "shared_at": entry.shared_at.isoformat() if entry.shared_at else None,
        "created_at": entry.created_at.isoformat(),
        "updated_at": entry.updated_at.isoformat(),
    }


def client_notebook(client: User) -> dict[str, Any]:
    blocks = ThinkingTimeBlock.objects.filter(client=client).prefetch_related("occurrences")
    return {
        "journal_entries": [_entry(entry) for entry in JournalEntry.objects.filter(client=client)],
        "journal_drafts": [
            {
                "entry_id": draft.entry_id,
                "title": draft.title,
                "body": draft.body,
                "saved_at": draft.saved_at.isoformat(),
            }
            for draft in EntryDraft.objects.filter(client=client)
        ],
        "thinking_time": [
            {
                "rrule": block.rrule,
                "start_time": block.start_time.isoformat(),
                "duration_minutes": block.duration_minutes,
                "timezone": block.timezone,
                "note": block.note,
                "active": block.active,
                "occurrences": [
                    {"starts_at": mark.starts_at.isoformat(), "status": mark.status, "note": mark.note}
                    for mark in block.occurrences.all()
                ],
            }
            for block in blocks
        ],
    }


def engagement_shared_entries(engagement: Engagement, *, for_coach: bool) -> dict[str, Any]:
    """The entries shared in this engagement; for the coach, exactly what their pages show."""
    viewer = engagement.coach if for_coach else engagement.client
    entries = JournalEntry.objects.visible_to(viewer).shared_with_engagement(engagement)
    return {"shared_journal_entries": [_entry(entry) for entry in entries]}
