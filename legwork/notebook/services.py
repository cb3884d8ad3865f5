"""Notebook work that spans several models: saving an entry over its draft, sharing, thinking time."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from legwork.coaching.models import Engagement
from legwork.homework.services import OFFLINE_WINDOW

from .models import EntryDraft, JournalEntry, ThinkingTimeBlock, ThinkingTimeOccurrence

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from legwork.accounts.models import User

DRAFT_FIELDS = ("title", "body", "prompt", "tags")


def shareable_engagements(client: User) -> QuerySet[Engagement]:
    """The engagements whose coach the client may share with: their own, not ended."""
    return Engagement.objects.filter(client=client).current().select_related("coach")


def sent_from_phone(written_at: dt.datetime, now: dt.datetime, *, low: dt.datetime | None = None) -> dt.datetime:
    """The time an item written on a phone offline keeps: the phone's, but not after now, nor before
    OFFLINE_WINDOW ago (nor before `low`), so a wrong clock can neither date it ahead nor backdate it."""
    earliest = max(now - OFFLINE_WINDOW, low) if low is not None else now - OFFLINE_WINDOW
    return min(max(written_at, earliest), now)


def entry_save(
    *, client: User, entry: JournalEntry | None, data: dict[str, Any], written_at: dt.datetime | None = None
) -> JournalEntry:
    """Write the form's values to the entry (a new one if None) and drop the autosaved draft.

    `written_at`: a new entry written on a phone offline and sent now keeps the phone's time as its
    `created_at` (`sent_from_phone`), and now as its `received_at`."""
    with transaction.atomic():
        is_new = entry is None
        if entry is None:
            entry = JournalEntry(client=client)
        for name, value in data.items():
            setattr(entry, name, value)
        entry.updated_at = timezone.now()
        if is_new and written_at is not None:
            entry.created_at, entry.received_at = sent_from_phone(written_at, entry.updated_at), entry.updated_at
        entry.save()
        # The new entry's draft becomes this entry; an existing entry's draft is now saved.
        EntryDraft.objects.filter(client=client, entry=None if is_new else entry).delete()
    return entry


def draft_save(*, client: User, entry: JournalEntry | None, data: dict[str, str]) -> EntryDraft:
    """Keep what is typed so far; one draft per entry and one for the new entry."""
    values: dict[str, Any] = {name: data.get(name, "") for name in DRAFT_FIELDS}
    values["saved_at"] = timezone.now()
    with transaction.atomic():
        draft, _ = EntryDraft.objects.update_or_create(client=client, entry=entry, defaults=values)
    return draft


def draft_discard(*, client: User, entry: JournalEntry | None) -> None:
    EntryDraft.objects.filter(client=client, entry=entry).delete()


def entry_share(*, entry: JournalEntry, engagement: Engagement, by: User) -> None:
    """Share one entry with the coach of one of the client's own engagements."""
    if entry.client_id != by.pk or engagement.client_id != by.pk:
        raise PermissionDenied("Only the client can share their own entries with their own coach.")
    entry.share(engagement)


def entry_unshare(*, entry: JournalEntry, by: User) -> None:
    """Take the access back at once: the coach's pages read `shared_with` on every request."""
    if entry.client_id != by.pk:
        raise PermissionDenied("Only the client can unshare their entries.")
    entry.unshare()


def occurrence_mark(
    *,
    block: ThinkingTimeBlock,
    starts_at: dt.datetime,
    status: str,
    note: str = "",
    written_at: dt.datetime | None = None,
) -> ThinkingTimeOccurrence:
    """Mark one real occurrence of the block taken or skipped; marking again changes the mark.

    `written_at`: a mark made on a phone offline and sent now keeps the phone's time as when it was
    recorded (`sent_from_phone`, and not before the block began), and now as its `received_at`."""
    if block.occurrences_between(starts_at, starts_at + dt.timedelta(seconds=1)) != [starts_at]:
        raise ValueError("That is not a time this block happens.")
    now = timezone.now()
    if starts_at > now:
        raise ValueError("That block hasn't happened yet.")
    recorded_at = now if written_at is None else sent_from_phone(written_at, now, low=starts_at)
    occurrence, _ = ThinkingTimeOccurrence.objects.update_or_create(
        block=block,
        starts_at=starts_at,
        defaults={
            "status": status,
            "note": note,
            "recorded_at": recorded_at,
            "received_at": None if written_at is None else now,
        },
    )
    return occurrence


def interval_start(
    client: User, now: dt.datetime | None = None, *, engagements: Sequence[Engagement] | None = None
) -> dt.datetime | None:
    """When the client's current interval began (`Engagement.current_interval_start`); with two coaches,
    the later of the two. None without a current engagement. One query, none when `engagements` are the
    client's current engagements already annotated `with_interval_start` (the client home loads them so)."""
    if engagements is not None and all(hasattr(e, "interval_start") for e in engagements):
        return max((e.interval_start for e in engagements), default=None)  # type: ignore[attr-defined]
    starts = Engagement.objects.filter(client=client).current().with_interval_start(now)
    latest: dt.datetime | None = starts.aggregate(latest=Max("interval_start"))["latest"]
    return latest


def thinking_taken(client: User, since: dt.datetime) -> list[dt.datetime]:
    """When the client took their thinking time, from `since` on, in no particular order: one query, of
    moments only. Each caller cuts it at its own end."""
    return list(
        ThinkingTimeOccurrence.objects.filter(
            block__client=client, status=ThinkingTimeOccurrence.Status.TAKEN, starts_at__gte=since
        )
        .order_by()  # the callers count: the model's ordering would cost more to compile than to run
        .values_list("starts_at", flat=True)
    )


def thinking_time_summary(
    client: User,
    now: dt.datetime | None = None,
    *,
    engagements: Sequence[Engagement] | None = None,
    read_taken: Callable[[dt.datetime], Sequence[dt.datetime]] | None = None,
) -> dict[str, Any]:
    """The next block and how many were taken (and planned) this interval. Three queries, two when given
    the client's current engagements with their interval start (`interval_start`).

    `read_taken(since)`: how to read when thinking time was taken from the interval's start on, if not by
    `thinking_taken` (a page whose other panels read it too: `panels.thinking_taken_on_page`)."""
    now = now or timezone.now()
    blocks = list(ThinkingTimeBlock.objects.active().filter(client=client))
    upcoming = [(when, block) for block in blocks if (when := block.next_occurrence(now)) is not None]
    upcoming.sort(key=lambda pair: pair[0])
    since = interval_start(client, now, engagements=engagements)
    taken_count = planned = 0
    if since is not None:
        moments = read_taken(since) if read_taken is not None else thinking_taken(client, since)
        taken_count = sum(1 for moment in moments if since <= moment < now)
        planned = sum(len(block.occurrences_between(since, now)) for block in blocks)
    return {
        "blocks": blocks,
        "next": upcoming[0] if upcoming else None,
        "since": since,
        "taken": taken_count,
        "planned": planned,
    }
