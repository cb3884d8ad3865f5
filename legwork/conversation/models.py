"""The conversation around the homework: its thread, and the coach's acknowledgements.

A thread is the messages on one homework, between its engagement's coach and client
only, newest last. A message is written on the page, through the API, or by replying to
a thread email (then `email_message_id` keeps it from posting twice). Some messages are
events the thread records as they happen: a change request (its first message), the
coach accepting the change or keeping the homework as it was.

An acknowledgement is the coach's "seen", with an optional word, on one progress entry
or one reflection; the client sees it there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import SafeString

from legwork.coaching.models import Engagement
from legwork.homework.models import Homework, ProgressEntry
from legwork.insights.models import Reflection
from legwork.lib.markdown import render_markdown

if TYPE_CHECKING:
    from legwork.accounts.models import User

MESSAGE_MAX = 5000
WORD_MAX = 300


class MessageQuerySet(models.QuerySet["Message"]):
    def visible_to(self, user: User) -> MessageQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(engagement__coach=user) | Q(engagement__client=user))


class Message(models.Model):
    """One message in a homework's thread."""

    class Kind(models.TextChoices):
        MESSAGE = "message", "Message"
        CHANGE_REQUEST = "change_request", "Asked for a change"
        ACCEPTED = "accepted", "Accepted the change"
        KEPT = "kept", "Kept the homework as it was"

    homework = models.ForeignKey(Homework, on_delete=models.CASCADE, related_name="thread")
    # The homework's engagement, copied (a homework never moves), so the gate and the coach's
    # "waiting for an answer" are one index lookup.
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="+", editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MESSAGE)
    body = models.TextField(blank=True, max_length=MESSAGE_MAX)
    created_at = models.DateTimeField(default=timezone.now)
    # The Message-ID of the email this was a reply in: the same email read twice posts once.
    email_message_id = models.CharField(max_length=300, null=True, blank=True, unique=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["homework", "created_at"]),
            models.Index(fields=["engagement", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on homework {self.homework_id} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def body_html(self) -> SafeString:
        """The message as safe HTML (markdown-it, then nh3): whatever is pasted renders as text."""
        return render_markdown(self.body)

    @property
    def by_email(self) -> bool:
        return bool(self.email_message_id)


class AcknowledgementQuerySet(models.QuerySet["Acknowledgement"]):
    def visible_to(self, user: User) -> AcknowledgementQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(engagement__coach=user) | Q(engagement__client=user))


class Acknowledgement(models.Model):
    """The coach's "seen" on a progress entry or a reflection (exactly one), with an optional word."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="+")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    progress_entry = models.OneToOneField(
        ProgressEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="acknowledgement"
    )
    reflection = models.OneToOneField(
        Reflection, null=True, blank=True, on_delete=models.CASCADE, related_name="acknowledgement"
    )
    word = models.CharField("a word for your client (optional)", max_length=WORD_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AcknowledgementQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_entry__isnull=False, reflection__isnull=True)
                | Q(progress_entry__isnull=True, reflection__isnull=False),
                name="acknowledges_one_thing",
            )
        ]

    def __str__(self) -> str:
        what = (
            f"progress entry {self.progress_entry_id}" if self.progress_entry_id else f"reflection {self.reflection_id}"
        )
        return f"Seen: {what}"
