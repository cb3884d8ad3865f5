"""The text rule (lib/text.py) on every save, and emails whose headers only the email library writes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from conftest import make_homework
from legwork.accounts.models import User
from legwork.api.models import ApiToken
from legwork.coaching import services
from legwork.coaching.models import Engagement, Goal, Invitation
from legwork.homework.models import ProgressEntry
from legwork.lib.text import clean_data, clean_text, one_line


def test_the_rule_joins_surrogate_pairs_and_drops_what_a_database_cannot_hold() -> None:
    assert clean_text("a\ud83d\ude00b") == "a😀b"  # json.dumps writes an emoji as two escapes
    assert clean_text("lone \ud800 and \udfff") == "lone  and "
    assert clean_text("nul\x00 bell\x07 del\x7f") == "nul bell del"
    assert clean_text("one\r\ntwo\rthree\u2028four") == "one\ntwo\nthree\nfour"
    assert clean_text("tab\tkept\n") == "tab\tkept\n"
    assert clean_text("Alice\r\nBcc: eve@example.com", single_line=True) == "Alice Bcc: eve@example.com"
    assert one_line("  Q&A \n session ") == "Q&A session"
    assert clean_data({"k\ud800": ["\ud83d\ude00", 3, None]}) == {"k": ["😀", 3, None]}


def test_every_save_of_a_legwork_model_is_cleaned(alice_bob: Engagement) -> None:
    goal = Goal.objects.create(engagement=alice_bob, title="New\r\njob\x00", description="line one\r\nline two\ud800")
    goal.refresh_from_db()
    assert (goal.title, goal.description) == ("New job", "line one\nline two")


def test_a_lone_surrogate_in_the_api_is_refused_and_a_pair_is_kept(bob: User, alice_bob: Engagement) -> None:
    """{"note": "\\ud800"} answered 500: SQLite and PostgreSQL cannot store a lone surrogate.

    The API refuses it as malformed JSON text (400) and saves nothing; a proper
    surrogate pair (an emoji written by json.dumps) is one character and is kept."""
    homework = make_homework(alice_bob)
    _, token = ApiToken.issue(user=bob, name="tests")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    body = '{"note": "before \\ud800 after", "minutes": 5}'
    response = api.post(f"/api/v1/homework/{homework.pk}/progress", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "error" in response.json()
    assert not ProgressEntry.objects.exists()
    body = '{"note": "before after \\ud83d\\ude00", "minutes": 5}'
    response = api.post(f"/api/v1/homework/{homework.pk}/progress", data=body, content_type="application/json")
    assert response.status_code == 201
    assert ProgressEntry.objects.get().note == "before after 😀"


@pytest.mark.parametrize("name", ["Nia\rJones", "Nia\nBcc: eve@example.com", "Nia\r\nBcc: eve@example.com"])
def test_a_line_break_in_a_name_neither_breaks_the_invitation_nor_adds_a_header(
    smtp_settings: Any, client: Client, alice: User, name: str
) -> None:
    """A CR in the client's name made the send answer 500; an LF forged a Bcc line."""
    client.force_login(alice)
    response = client.post("/invitations/", {"name": name, "email": "nia@example.com", "send_email": "on"})
    assert response.status_code == 302
    [message] = smtp_settings.messages
    assert message["Bcc"] is None
    assert message["To"].addresses[0].addr_spec == "nia@example.com"
    assert "\n" not in message["To"].addresses[0].display_name
    assert "\nBcc:" not in message.get_body(("plain",)).get_content()
    assert "\r" not in Invitation.objects.get().name


def test_stored_line_breaks_and_ampersands_come_out_as_one_plain_subject(smtp_settings: Any, alice: User) -> None:
    """Names stored before the rule still make a clean email; subjects are text, not HTML-escaped."""
    User.objects.filter(pk=alice.pk).update(name="O'Brien & Co\r\nBcc: eve@example.com")
    alice.refresh_from_db()
    invitation, token = services.invitation_create(coach=alice, email="nia@example.com", send_email=False)
    Invitation.objects.filter(pk=invitation.pk).update(name="Nia\r\nCc: eve@example.com")
    invitation.refresh_from_db()
    assert services.invitation_send(invitation=invitation, token=token)
    [message] = smtp_settings.messages
    assert message["Subject"] == "O'Brien & Co Bcc: eve@example.com invites you to Legwork"
    assert message["Bcc"] is None
    assert message["Cc"] is None
    assert message["To"].addresses[0].display_name == "Nia Cc: eve@example.com"
    assert "&amp;" not in message.get_body(("plain",)).get_content()


def test_an_exercise_file_from_json_dumps_with_an_emoji_imports(client: Client, alice: User) -> None:
    """json.dumps writes 😀 as "\\ud83d\\ude00"; YAML reads two lone surrogates, and saving answered 500."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from legwork.exercises.models import Exercise

    document = {
        "slug": "emoji",
        "title": "Energy 😀",
        "purpose": "explore",
        "kind": "logical",
        "fields": [{"name": "what", "label": "What gives you energy? 😀", "type": "short_text"}],
    }
    upload = SimpleUploadedFile("emoji.json", json.dumps(document).encode())
    client.force_login(alice)
    response = client.post("/exercises/import/", {"file": upload})
    assert response.status_code == 302
    exercise = Exercise.objects.get(owner=alice)
    assert exercise.title == "Energy 😀"
    assert exercise.fields[0]["label"] == "What gives you energy? 😀"
