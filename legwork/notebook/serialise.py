"""The JSON shape of the notebook (journal entries, drafts) and thinking time, for the API and the exports.

A client sees everything of their own, private entries and drafts included. Anyone
else reads entries only through `JournalEntry.objects.visible_to`, the rule the
coach's pages use: an entry shared in one of their engagements, and nothing else.
The export parts at the end (called from legwork/exports/contrib.py) follow it too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from legwork.lib.shapes import BOOLEAN, DATETIME, INTEGER, STRING, array, enum, iso, nullable, obj, ref

from .models import EntryDraft, JournalEntry, ThinkingTimeBlock, ThinkingTimeOccurrence

if TYPE_CHECKING:
    from legwork.accounts.models import User
    from legwork.coaching.models import Engagement


def journal_entry(entry: JournalEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "title": entry.title,
        "body": entry.body,
        "prompt": entry.prompt,
        "tags": entry.tag_list,
        "homework": entry.homework_id,
        "shared_with": entry.shared_with_id,
        "shared_at": iso(entry.shared_at),
        "created_at": iso(entry.created_at),
        "updated_at": iso(entry.updated_at),
        "received_at": iso(entry.received_at),
    }


def entry_draft(draft: EntryDraft) -> dict[str, Any]:
    return {"entry": draft.entry_id, "title": draft.title, "body": draft.body, "saved_at": iso(draft.saved_at)}


def occurrence(mark: ThinkingTimeOccurrence) -> dict[str, Any]:
    return {"starts_at": iso(mark.starts_at), "status": mark.status, "note": mark.note}


def thinking_block(
    block: ThinkingTimeBlock, *, occurrences: list[ThinkingTimeOccurrence] | None = None
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": block.pk,
        "rrule": block.rrule,
        "days": block.days,
        "start_time": block.start_time.isoformat(timespec="minutes"),
        "duration_minutes": block.duration_minutes,
        "timezone": block.timezone,
        "note": block.note,
        "active": block.active,
    }
    if occurrences is not None:
        data["occurrences"] = [occurrence(mark) for mark in occurrences]
    return data


def client_notebook(client: User) -> dict[str, Any]:
    """The client's export part: every entry and draft of theirs, and their thinking time with its marks."""
    blocks = ThinkingTimeBlock.objects.filter(client=client).prefetch_related("occurrences")
    return {
        "journal_entries": [journal_entry(entry) for entry in JournalEntry.objects.filter(client=client)],
        "journal_drafts": [entry_draft(draft) for draft in EntryDraft.objects.filter(client=client)],
        "thinking_time": [thinking_block(block, occurrences=list(block.occurrences.all())) for block in blocks],
    }


def engagement_shared_entries(engagement: Engagement, *, viewer: User) -> dict[str, Any]:
    """The entries shared in this engagement, as `viewer` may read them: for the coach, what their pages show."""
    entries = JournalEntry.objects.visible_to(viewer).shared_with_engagement(engagement)
    return {"shared_journal_entries": [journal_entry(entry) for entry in entries]}


SCHEMAS = {
    "JournalEntry": obj(
        {
            "id": INTEGER,
            "title": STRING,
            "body": {**STRING, "description": "Markdown, as written"},
            "prompt": STRING,
            "tags": array(STRING),
            "homework": nullable(INTEGER),
            "shared_with": {
                **nullable(INTEGER),
                "description": "The engagement whose coach may read it; null: private",
            },
            "shared_at": nullable(DATETIME),
            "created_at": DATETIME,
            "updated_at": DATETIME,
            "received_at": {
                **nullable(DATETIME),
                "description": "When the server got a draft written on a phone offline (then `created_at` is the "
                "phone's time); null: saved as written",
            },
        }
    ),
    "ThinkingTimeOccurrence": obj(
        {"starts_at": DATETIME, "status": enum(ThinkingTimeOccurrence.Status.values), "note": STRING}
    ),
    "ThinkingTimeBlock": obj(
        {
            "id": INTEGER,
            "rrule": {**STRING, "description": "RFC 5545 recurrence rule, in the block's own zone"},
            "days": array(enum(["MO", "TU", "WE", "TH", "FR", "SA", "SU"])),
            "start_time": {**STRING, "description": "HH:MM, wall-clock time in `timezone`"},
            "duration_minutes": INTEGER,
            "timezone": STRING,
            "note": STRING,
            "active": BOOLEAN,
            "occurrences": array(ref("ThinkingTimeOccurrence")),
        },
        optional=["occurrences"],
    ),
}
