"""The client's notebook (journal entries and their autosaved drafts) and thinking time."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING, Any

from dateutil import rrule as dateutil_rrule
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.timezone import now

from legwork.accounts.models import validate_timezone
from legwork.lib.dates import validate_date_window
from legwork.lib.markdown import render_markdown

if TYPE_CHECKING:
    from legwork.accounts.models import User
    from legwork.coaching.models import Engagement

BODY_MAX = 50_000


class JournalEntryQuerySet(models.QuerySet["JournalEntry"]):
    def visible_to(self, user: User) -> JournalEntryQuerySet:
        """The client's own entries; for a coach, only entries shared with one of their engagements."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(client=user) | Q(shared_with__coach=user, shared_with__client_id=models.F("client_id")))

    def shared(self) -> JournalEntryQuerySet:
        return self.filter(shared_with__isnull=False)

    def shared_with_engagement(self, engagement: Engagement) -> JournalEntryQuerySet:
        return self.filter(shared_with=engagement, client_id=engagement.client_id)

    def search(self, query: str) -> JournalEntryQuerySet:
        """Every word must appear in the title, body or tags (case-insensitive). See docs/notebook.md for why
        a scan of one person's entries is enough."""
        result = self
        for word in query.split()[:10]:
            result = result.filter(Q(title__icontains=word) | Q(body__icontains=word) | Q(tags__icontains=word))
        return result


class JournalEntry(models.Model):
    """Free writing in the client's notebook: private until shared, one entry at a time."""

    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_entries")
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(max_length=BODY_MAX, blank=True)
    prompt = models.CharField(max_length=300, blank=True)
    tags = models.CharField(max_length=300, blank=True, help_text="Comma-separated, e.g. energy, networking")
    homework = models.ForeignKey(
        "homework.Homework", null=True, blank=True, on_delete=models.SET_NULL, related_name="journal_entries"
    )
    # The engagement whose coach may read this entry; null = private.
    shared_with = models.ForeignKey(
        "coaching.Engagement", null=True, blank=True, on_delete=models.SET_NULL, related_name="shared_entries"
    )
    shared_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # When the server got it, for a draft written on a phone offline and sent later (then `created_at`
    # is the phone's time, within a week); null for one saved as it was written. Shown by `sent_later`.
    received_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = JournalEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "journal entries"
        indexes = [models.Index(fields=["client", "-created_at"]), models.Index(fields=["shared_with", "-shared_at"])]

    def __str__(self) -> str:
        return self.title or f"Entry of {timezone.localtime(self.created_at):%d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("journal_entry", args=[self.pk])

    @property
    def is_shared(self) -> bool:
        return self.shared_with_id is not None

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]

    def rendered_body(self) -> SafeString:
        return render_markdown(self.body)

    def share(self, engagement: Engagement) -> None:
        self.shared_with = engagement
        self.shared_at = timezone.now()
        self.save(update_fields=["shared_with", "shared_at"])

    def unshare(self) -> None:
        self.shared_with = None
        self.shared_at = None
        self.save(update_fields=["shared_with", "shared_at"])


class EntryDraft(models.Model):
    """What was last typed into an entry's form, saved every few seconds so a closed tab loses nothing.

    One per entry being edited, and one for the client's new, not yet saved entry (entry is null).
    Saving the form writes the entry and deletes the draft; a shared entry never changes under the
    coach's eyes while the client is still typing.
    """

    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entry_drafts")
    entry = models.OneToOneField(JournalEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="draft")
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(max_length=BODY_MAX, blank=True)
    prompt = models.CharField(max_length=300, blank=True)
    tags = models.CharField(max_length=300, blank=True)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client"], condition=Q(entry__isnull=True), name="one_new_entry_draft")
        ]

    def __str__(self) -> str:
        return f"Draft saved {self.saved_at:%Y-%m-%d %H:%M}"


WEEKDAYS = [("MO", "Mon"), ("TU", "Tue"), ("WE", "Wed"), ("TH", "Thu"), ("FR", "Fri"), ("SA", "Sat"), ("SU", "Sun")]


def weekly_rrule(days: list[str]) -> str:
    order = [code for code, _ in WEEKDAYS]
    chosen = sorted(set(days), key=order.index)
    return "FREQ=WEEKLY;BYDAY=" + ",".join(chosen)


class ThinkingTimeBlockQuerySet(models.QuerySet["ThinkingTimeBlock"]):
    def active(self) -> ThinkingTimeBlockQuerySet:
        return self.filter(active=True)

    def visible_to(self, user: User) -> ThinkingTimeBlockQuerySet:
        """Thinking time is the client's own: nobody else sees the blocks."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(client=user)


class ThinkingTimeBlock(models.Model):
    """A protected, recurring block the client sets aside just to think, as an RFC 5545 RRULE."""

    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thinking_blocks")
    rrule = models.CharField(max_length=200, default="FREQ=WEEKLY;BYDAY=SA")
    start_time = models.TimeField(help_text="In your own time zone")
    duration_minutes = models.PositiveSmallIntegerField(default=90)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    note = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)
    # `timezone` above shadows the module inside this class body.
    created_at = models.DateTimeField(default=now)
    # How far ahead the worker has made this block's reminders; any edit clears it, so the next
    # plan starts again from the block as it now is (see legwork/reminders/services.py).
    reminders_planned_until = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)

    objects = ThinkingTimeBlockQuerySet.as_manager()

    class Meta:
        ordering = ["start_time", "pk"]

    def __str__(self) -> str:
        return f"{self.days_display} {self.start_time:%H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.reminders_planned_until = None
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "reminders_planned_until"}
        super().save(*args, **kwargs)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    @property
    def days(self) -> list[str]:
        for part in self.rrule.split(";"):
            if part.startswith("BYDAY="):
                return part.removeprefix("BYDAY=").split(",")
        return []

    @property
    def days_display(self) -> str:
        names = dict(WEEKDAYS)
        return ", ".join(names.get(day, day) for day in self.days) or "Weekly"

    @property
    def ends_time(self) -> dt.time:
        start = dt.datetime.combine(dt.date(2000, 1, 1), self.start_time)
        return (start + dt.timedelta(minutes=self.duration_minutes)).time()

    def occurrences_between(self, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
        """Aware UTC starts of the occurrences in [start, end).

        The rule is expanded in naive wall-clock time of the block's own zone and each
        result is then placed in that zone, so 09:00 stays 09:00 across DST changes. A
        start that falls in a spring-forward gap (01:30 in London in March) keeps the
        offset from before the change (fold=0), i.e. it happens an hour "later" on the clock.
        """
        zone = self.zone
        start = max(start, self.created_at)  # a block has no occurrences from before it existed
        if start >= end:
            return []
        local_start = start.astimezone(zone).replace(tzinfo=None) - dt.timedelta(days=1)
        local_end = end.astimezone(zone).replace(tzinfo=None) + dt.timedelta(days=1)
        # The rule counts from the day the block was made (dateutil, unlike RFC 5545, lists DTSTART only when
        # it fits the rule), so an INTERVAL=2 keeps its weeks.
        created_local = timezone.localtime(self.created_at, zone).date()
        rule = dateutil_rrule.rrulestr(self.rrule, dtstart=dt.datetime.combine(created_local, self.start_time))
        result = []
        for naive in rule.between(local_start, local_end, inc=True):
            when = naive.replace(tzinfo=zone).astimezone(dt.UTC)
            if start <= when < end:
                result.append(when)
        return result

    def next_occurrence(self, after: dt.datetime | None = None) -> dt.datetime | None:
        after = after or timezone.now()
        upcoming = self.occurrences_between(after, after + dt.timedelta(days=32))
        return upcoming[0] if upcoming else None


class ThinkingTimeOccurrence(models.Model):
    """One occurrence of a block, marked taken or skipped (with an optional line why)."""

    class Status(models.TextChoices):
        TAKEN = "taken", "Taken"
        SKIPPED = "skipped", "Skipped"

    block = models.ForeignKey(ThinkingTimeBlock, on_delete=models.CASCADE, related_name="occurrences")
    starts_at = models.DateTimeField(validators=[validate_date_window])
    status = models.CharField(max_length=10, choices=Status.choices)
    note = models.CharField(max_length=300, blank=True)
    # When it was marked: for a mark made on a phone offline, the phone's time, and `received_at` the
    # server's when it arrived (null for a mark saved as it was made). Shown by `sent_later`.
    recorded_at = models.DateTimeField(default=timezone.now)
    received_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [models.UniqueConstraint(fields=["block", "starts_at"], name="one_mark_per_occurrence")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.starts_at:%Y-%m-%d %H:%M}"
