"""The OpenAPI 3.1 document for /api/v1/, written by hand beside the views it describes."""

from __future__ import annotations

from typing import Any


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _ok(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": _ok(_ref("Error"), "Malformed input; `fields` says which"),
    "401": _ok(_ref("Error"), "Missing, unknown or revoked token"),
    "403": _ok(_ref("Error"), "Not your role for this action"),
    "404": _ok(_ref("Error"), "Missing, or not yours: the two look the same"),
}
ID = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]


def _get(summary: str, schema: dict[str, Any], params: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"get": {"summary": summary, "parameters": params or [], "responses": {"200": _ok(schema), **ERRORS}}}


def openapi_document(server_url: str) -> dict[str, Any]:
    def results(name: str) -> dict[str, Any]:
        return {"type": "object", "properties": {"results": {"type": "array", "items": _ref(name)}}}

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Legwork API",
            "version": "1",
            "description": "Career coaching homework. Authenticate with a personal token from your profile: "
            "`Authorization: Bearer <token>`. The same access rules as the pages apply.",
        },
        "servers": [{"url": server_url}],
        "security": [{"bearer": []}],
        "paths": {
            "/me": _get("The signed-in person", _ref("Person")),
            "/engagements": _get("Your engagements, as coach or client", results("Engagement")),
            "/engagements/{id}": _get("One engagement with its next session", _ref("Engagement"), ID),
            "/engagements/{id}/homework": _get(
                "An engagement's homework (`?open=1` for this interval's)",
                results("Homework"),
                [*ID, {"name": "open", "in": "query", "schema": {"type": "string", "enum": ["1", "true"]}}],
            ),
            "/sessions/{id}": _get("One session (private notes for its coach only)", _ref("Session"), ID),
            "/homework/{id}": _get("One homework with its progress entries", _ref("Homework"), ID),
            "/homework/{id}/confirm": {
                "post": {
                    "summary": "The client says “I'm in”",
                    "parameters": ID,
                    "responses": {
                        "200": _ok(_ref("Homework")),
                        "409": _ok(_ref("Error"), "Already reviewed"),
                        **ERRORS,
                    },
                }
            },
            "/homework/{id}/progress": {
                "post": {
                    "summary": "The client logs progress; the server records when it was written",
                    "parameters": ID,
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("ProgressInput")}},
                    },
                    "responses": {"201": _ok(_ref("ProgressEntry"), "Logged"), **ERRORS},
                }
            },
            "/coach/clients": _get("A coach's clients with open homework counts", results("Engagement")),
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "string"}, "fields": {"type": "object"}},
                },
                "Person": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "name": {"type": "string"},
                        "email": {"type": "string"},
                        "timezone": {"type": "string"},
                        "is_coach": {"type": "boolean"},
                    },
                },
                "Engagement": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "status": {"type": "string", "enum": ["active", "paused", "ended"]},
                        "coach": _ref("Person"),
                        "client": _ref("Person"),
                        "started_on": {"type": "string", "format": "date"},
                        "next_session": {"oneOf": [_ref("Session"), {"type": "null"}]},
                        "open_homework": {"type": "integer"},
                    },
                },
                "Session": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "engagement": {"type": "integer"},
                        "scheduled_at": {"type": "string", "format": "date-time"},
                        "duration_minutes": {"type": "integer"},
                        "status": {"type": "string", "enum": ["scheduled", "held", "cancelled", "missed"]},
                        "agenda": {"type": "string"},
                        "shared_notes": {"type": "string"},
                        "private_notes": {"type": "string", "description": "Only for the session's coach"},
                        "meeting_url": {"type": "string"},
                    },
                },
                "Homework": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "engagement": {"type": "integer"},
                        "title": {"type": "string"},
                        "purpose": {"type": "string", "enum": ["explore", "act"]},
                        "goal": {"type": ["string", "null"]},
                        "first_step": {"type": "string"},
                        "plan_when": {"type": "string"},
                        "plan_where": {"type": "string"},
                        "due_on": {"type": "string", "format": "date"},
                        "status": {"type": "string", "enum": ["proposed", "confirmed", "change_requested"]},
                        "outcome": {"type": ["string", "null"]},
                        "reason": {"type": ["string", "null"]},
                        "decision": {"type": ["string", "null"]},
                        "carried_from": {"type": ["integer", "null"]},
                        "progress": {"type": "array", "items": _ref("ProgressEntry")},
                    },
                },
                "ProgressEntry": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "note": {"type": "string"},
                        "minutes": {"type": ["integer", "null"]},
                        "occurred_on": {"type": "string", "format": "date"},
                        "written_at": {"type": "string", "format": "date-time"},
                        "answers": {"type": ["object", "null"]},
                    },
                },
                "ProgressInput": {
                    "type": "object",
                    "properties": {
                        "note": {"type": "string", "maxLength": 5000},
                        "minutes": {"type": "integer", "minimum": 1, "maximum": 1440},
                        "occurred_on": {"type": "string", "format": "date", "description": "Defaults to today"},
                    },
                },
            },
        },
    }
