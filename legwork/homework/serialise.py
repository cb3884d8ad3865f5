"""The JSON shape of homework and progress entries, for the API and the exports alike.

`SCHEMAS` describes each shape for the OpenAPI document; the API tests validate every
response against it.
"""

from __future__ import annotations

from typing import Any

from legwork.lib.shapes import ANY_OBJECT, DATE, DATETIME, INTEGER, STRING, array, enum, iso, nullable, obj, ref

from .models import Decision, Homework, Outcome, ProgressEntry, Purpose, Reason


def progress_entry(entry: ProgressEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "homework": entry.homework_id,
        "note": entry.note,
        "minutes": entry.minutes,
        "occurred_on": iso(entry.occurred_on),
        "written_at": iso(entry.written_at),
        "received_at": iso(entry.received_at),
        "answers": entry.answers,
    }


def homework(item: Homework, *, progress: list[ProgressEntry] | None = None) -> dict[str, Any]:
    """One homework; with `progress`, its entries (newest first) as well."""
    data: dict[str, Any] = {
        "id": item.pk,
        "engagement": item.engagement_id,
        "title": item.title,
        "purpose": item.purpose,
        "goal_id": item.goal_id,
        "goal": item.goal.title if item.goal_id and item.goal else None,
        "first_step": item.first_step,
        "plan_when": item.plan_when,
        "plan_where": item.plan_where,
        "due_on": iso(item.due_on),
        "status": item.status,
        "change_note": item.change_note,
        "confirmed_at": iso(item.confirmed_at),
        "created_at": iso(item.created_at),
        "agreed_in": item.agreed_in_id,
        "outcome": item.outcome or None,
        "reason": item.reason or None,
        "decision": item.decision or None,
        "outcome_note": item.outcome_note,
        "reviewed_in": item.reviewed_in_id,
        "reviewed_at": iso(item.reviewed_at),
        "carried_from": item.carried_from_id,
    }
    if progress is not None:
        data["progress"] = [progress_entry(entry) for entry in progress]
    return data


SCHEMAS = {
    "ProgressEntry": obj(
        {
            "id": INTEGER,
            "homework": INTEGER,
            "note": STRING,
            "minutes": nullable(INTEGER),
            "occurred_on": {**DATE, "description": "When the work happened, as the client says"},
            "written_at": {
                **DATETIME,
                "description": "When it was logged, stamped by the server; "
                "for one written on a phone offline, the phone's time (never ahead, at most a week back)",
            },
            "received_at": {
                **nullable(DATETIME),
                "description": "When the server got one written on a phone offline; null: saved as written",
            },
            "answers": nullable(ANY_OBJECT),
        }
    ),
    "Homework": obj(
        {
            "id": INTEGER,
            "engagement": INTEGER,
            "title": STRING,
            "purpose": enum(Purpose.values),
            "goal_id": nullable(INTEGER),
            "goal": nullable(STRING),
            "first_step": STRING,
            "plan_when": STRING,
            "plan_where": STRING,
            "due_on": DATE,
            "status": enum(Homework.Status.values),
            "change_note": STRING,
            "confirmed_at": nullable(DATETIME),
            "created_at": DATETIME,
            "agreed_in": nullable(INTEGER),
            "outcome": nullable(enum(Outcome.values)),
            "reason": nullable(enum(Reason.values)),
            "decision": nullable(enum(Decision.values)),
            "outcome_note": STRING,
            "reviewed_in": nullable(INTEGER),
            "reviewed_at": nullable(DATETIME),
            "carried_from": nullable(INTEGER),
            "progress": {**array(ref("ProgressEntry")), "description": "Newest first; on one homework only"},
        },
        optional=["progress"],
    ),
}
