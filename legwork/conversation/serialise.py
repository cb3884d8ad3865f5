"""The JSON shape of thread messages and acknowledgements, for the API and the exports alike."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from legwork.lib.shapes import DATETIME, INTEGER, STRING, array, enum, iso, nullable, obj, ref

from .models import Acknowledgement, Message

if TYPE_CHECKING:
    from legwork.coaching.models import Engagement


def message(item: Message) -> dict[str, Any]:
    return {
        "id": item.pk,
        "homework": item.homework_id,
        "author": item.author_id,
        "kind": item.kind,
        "body": item.body,
        "created_at": iso(item.created_at),
        "by_email": item.by_email,
    }


def acknowledgement(item: Acknowledgement) -> dict[str, Any]:
    return {
        "id": item.pk,
        "progress_entry": item.progress_entry_id,
        "reflection": item.reflection_id,
        "word": item.word,
        "created_at": iso(item.created_at),
    }


def engagement_conversation(engagement: Engagement) -> dict[str, Any]:
    """An engagement's threads and acknowledgements, for the export of its coach and of its client."""
    messages = Message.objects.filter(engagement=engagement).order_by("homework_id", "created_at", "pk")
    acks = Acknowledgement.objects.filter(engagement=engagement).order_by("created_at", "pk")
    return {
        "thread_messages": [message(m) for m in messages],
        "acknowledgements": [acknowledgement(a) for a in acks],
    }


SCHEMAS = {
    "ThreadMessage": obj(
        {
            "id": INTEGER,
            "homework": INTEGER,
            "author": nullable(INTEGER),
            "kind": enum(Message.Kind.values),
            "body": {**STRING, "description": "Markdown, as written"},
            "created_at": DATETIME,
            "by_email": {"type": "boolean", "description": "Posted by replying to a thread email"},
        }
    ),
    "Acknowledgement": obj(
        {
            "id": INTEGER,
            "progress_entry": nullable(INTEGER),
            "reflection": nullable(INTEGER),
            "word": STRING,
            "created_at": DATETIME,
        }
    ),
    "Thread": obj({"homework": INTEGER, "messages": array(ref("ThreadMessage"))}),
}
