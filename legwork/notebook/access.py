"""The one gate per notebook object type: missing and not-yours both answer 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from legwork.coaching.access import int_pk

from .models import JournalEntry, ThinkingTimeBlock

if TYPE_CHECKING:
    from legwork.accounts.models import User


def get_entry_for_user(user: User, pk: object) -> JournalEntry:
    """The client's own entry, or one shared with this coach; anyone else gets 404."""
    entry = (
        JournalEntry.objects.visible_to(user)
        .select_related("client", "shared_with__coach", "homework")
        .filter(pk=int_pk(pk))
        .first()
    )
    if entry is None:
        raise Http404("No such journal entry.")
    return entry


def get_block_for_user(user: User, pk: object) -> ThinkingTimeBlock:
    block = ThinkingTimeBlock.objects.visible_to(user).select_related("client").filter(pk=int_pk(pk)).first()
    if block is None:
        raise Http404("No such thinking-time block.")
    return block
