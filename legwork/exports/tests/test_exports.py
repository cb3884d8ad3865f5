from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

from django.test import Client

from conftest import PASSWORD, make_homework, make_progress, make_session
from legwork.accounts.models import User
from legwork.coaching.models import Engagement
from legwork.homework.models import Homework, ProgressEntry


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _history(engagement: Engagement) -> Homework:
    make_session(engagement, private_notes="canary-private-91c2", shared_notes="We talked about Acme.")
    homework = make_homework(engagement, title="Call Dana at Acme")
    make_progress(homework, note="Left a voicemail", minutes=5)
    return homework


def test_a_client_exports_everything_of_theirs_but_not_the_coachs_private_notes(
    alice_bob: Engagement, bob: User
) -> None:
    _history(alice_bob)
    response = signed_in(bob).get("/export/legwork.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["format"] == "legwork-client-export"
    [engagement] = data["engagements"]
    assert engagement["homework"][0]["title"] == "Call Dana at Acme"
    assert engagement["homework"][0]["progress"][0]["note"] == "Left a voicemail"
    assert engagement["sessions"][0]["shared_notes"] == "We talked about Acme."
    assert "canary-private-91c2" not in response.content.decode()


def test_a_coach_exports_their_practice_and_nobody_elses(
    alice_bob: Engagement, carol_dan: Engagement, alice: User, carol: User
) -> None:
    _history(alice_bob)
    data = json.loads(signed_in(alice).get("/export/legwork.json").content)
    assert data["format"] == "legwork-practice-export"
    assert [e["client"]["email"] for e in data["engagements"]] == ["bob@example.com"]
    assert data["engagements"][0]["sessions"][0]["private_notes"] == "canary-private-91c2"
    other = signed_in(carol).get("/export/legwork.json").content.decode()
    assert "bob@example.com" not in other
    assert "Call Dana" not in other
    assert "canary-private-91c2" not in other


def test_another_client_gets_none_of_bobs_data(alice_bob: Engagement, carol_dan: Engagement, dan: User) -> None:
    _history(alice_bob)
    body = signed_in(dan).get("/export/legwork.json").content.decode()
    assert "Call Dana" not in body
    assert "bob@example.com" not in body


def test_the_archive_holds_the_json_and_a_readable_page(alice_bob: Engagement, bob: User) -> None:
    _history(alice_bob)
    response = signed_in(bob).get("/export/legwork.zip")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["legwork/export.json", "legwork/index.html"]
    page = archive.read("legwork/index.html").decode()
    assert "Call Dana at Acme" in page
    assert "Left a voicemail" in page
    assert "canary-private-91c2" not in page


def test_exported_text_is_escaped_in_the_readable_page(alice_bob: Engagement, bob: User) -> None:
    make_homework(alice_bob, title="<script>alert(1)</script>")
    page = zipfile.ZipFile(io.BytesIO(signed_in(bob).get("/export/legwork.zip").content)).read("legwork/index.html")
    assert b"<script>alert(1)</script>" not in page
    assert b"&lt;script&gt;" in page


def test_a_client_deletes_their_account_and_everything_in_it(alice_bob: Engagement, bob: User) -> None:
    _history(alice_bob)
    client = signed_in(bob)
    response = client.post("/account/delete/", {"password": PASSWORD, "confirm": "DELETE"})
    assert response.status_code == 302
    assert not User.objects.filter(email="bob@example.com").exists()
    assert not Engagement.objects.exists()
    assert not ProgressEntry.objects.exists()
    assert client.get("/export/").status_code == 302


def test_a_wrong_password_or_confirmation_deletes_nothing_and_says_why(alice_bob: Engagement, bob: User) -> None:
    response = signed_in(bob).post("/account/delete/", {"password": "wrong", "confirm": "delete please"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "That isn&#x27;t your password." in page
    assert "Type DELETE in capitals" in page
    assert 'value="delete please"' in page
    assert User.objects.filter(pk=bob.pk).exists()


def test_a_coach_cannot_delete_their_account_from_the_page(alice_bob: Engagement, alice: User) -> None:
    signed_in(alice).post("/account/delete/", {"password": PASSWORD, "confirm": "DELETE"})
    assert User.objects.filter(pk=alice.pk).exists()
    assert Engagement.objects.filter(pk=alice_bob.pk).exists()


def test_exports_need_a_sign_in(db: object) -> None:
    for url in ("/export/", "/export/legwork.json", "/export/legwork.zip"):
        assert Client().get(url).status_code == 302


def _notebook(engagement: Engagement) -> None:
    from legwork.insights.models import Reflection
    from legwork.notebook.models import JournalEntry, ThinkingTimeBlock

    session = make_session(engagement)
    Reflection.objects.create(session=session, what_got_in_the_way="The move took my evenings.")
    JournalEntry.objects.create(client=engagement.client, title="Private", body="canary-unshared-5d3e")
    JournalEntry.objects.create(client=engagement.client, title="For Alice", body="What energises me").share(engagement)
    ThinkingTimeBlock.objects.create(client=engagement.client, start_time=dt.time(9), note="garden, strong coffee")


def test_a_clients_export_holds_their_notebook_thinking_time_and_reflections(alice_bob: Engagement, bob: User) -> None:
    from legwork.reminders.models import Preferences

    _notebook(alice_bob)
    Preferences.objects.create(user=bob, hour=7, weekly_digest=True)
    data = json.loads(signed_in(bob).get("/export/legwork.json").content)
    assert data["reminder_preferences"]["hour"] == 7
    assert data["reminder_preferences"]["weekly_digest"] is True
    assert sorted(entry["body"] for entry in data["journal_entries"]) == ["What energises me", "canary-unshared-5d3e"]
    assert data["thinking_time"][0]["note"] == "garden, strong coffee"
    [engagement] = data["engagements"]
    assert engagement["reflections"][0]["what_got_in_the_way"] == "The move took my evenings."
    assert [entry["body"] for entry in engagement["shared_journal_entries"]] == ["What energises me"]
    page = zipfile.ZipFile(io.BytesIO(signed_in(bob).get("/export/legwork.zip").content)).read("legwork/index.html")
    assert b"canary-unshared-5d3e" in page
    assert b"garden, strong coffee" in page


def test_a_coachs_export_holds_shared_entries_and_reflections_but_never_an_unshared_entry(
    alice_bob: Engagement, carol_dan: Engagement, alice: User, carol: User, bob: User
) -> None:
    from legwork.exercises.models import Exercise

    _notebook(alice_bob)
    Exercise.objects.create(owner=alice, slug="my-values", title="My values, my way", fields=[])
    for archive_url in ("/export/legwork.json", "/export/legwork.zip"):
        response = signed_in(alice).get(archive_url)
        body = response.content if archive_url.endswith(".json") else _unzipped(response.content)
        assert b"What energises me" in body
        assert b"The move took my evenings." in body
        assert b"canary-unshared-5d3e" not in body
        assert b"garden, strong coffee" not in body
    data = json.loads(signed_in(alice).get("/export/legwork.json").content)
    assert [exercise["slug"] for exercise in data["exercises"]] == ["my-values"]
    other = signed_in(carol).get("/export/legwork.json").content
    assert b"What energises me" not in other
    assert b"The move took my evenings." not in other
    assert b"my-values" not in other


def test_unsharing_takes_an_entry_out_of_the_coachs_next_export(alice_bob: Engagement, alice: User) -> None:
    from legwork.notebook.models import JournalEntry

    _notebook(alice_bob)
    JournalEntry.objects.get(title="For Alice").unshare()
    assert b"What energises me" not in signed_in(alice).get("/export/legwork.json").content


def _unzipped(content: bytes) -> bytes:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return b"".join(archive.read(name) for name in archive.namelist())


# --- A person who both coaches and is coached ----------------------------------------------------


def _carol_coached_by_alice(alice: User, carol: User, carol_dan: Engagement) -> Engagement:
    """Carol coaches Dan and is herself Alice's client, with a journal of her own."""
    from conftest import make_engagement
    from legwork.notebook.models import JournalEntry, ThinkingTimeBlock

    coached = make_engagement(alice, carol)
    make_session(coached, private_notes="canary-alices-notes-77")
    make_progress(make_homework(coached, title="Carol's own homework"), note="Carol worked")
    JournalEntry.objects.create(client=carol, title="Carol's journal", body="canary-carols-private-12")
    ThinkingTimeBlock.objects.create(client=carol, start_time=dt.time(7), note="carol's quiet hour")
    _history(carol_dan)
    return coached


def test_a_coach_who_is_also_a_client_gets_both_exports(
    alice: User, carol: User, carol_dan: Engagement, dan: User
) -> None:
    _carol_coached_by_alice(alice, carol, carol_dan)
    client = signed_in(carol)
    page = client.get("/export/").content.decode()
    assert "?part=practice" in page
    assert "?part=coaching" in page
    practice = json.loads(client.get("/export/legwork.json?part=practice").content)
    coaching = json.loads(client.get("/export/legwork.json?part=coaching").content)
    assert practice["format"] == "legwork-practice-export"
    assert [e["client"]["email"] for e in practice["engagements"]] == ["dan@example.com"]
    assert practice["engagements"][0]["sessions"][0]["private_notes"] == "canary-private-91c2"
    assert coaching["format"] == "legwork-client-export"
    assert [e["coach"]["email"] for e in coaching["engagements"]] == ["alice@example.com"]
    assert [entry["body"] for entry in coaching["journal_entries"]] == ["canary-carols-private-12"]
    assert "canary-alices-notes-77" not in json.dumps(coaching)  # her coach's private notes are her coach's
    assert "canary-carols-private-12" not in json.dumps(practice)
    archive = zipfile.ZipFile(io.BytesIO(client.get("/export/legwork.zip?part=coaching").content))
    assert b"canary-carols-private-12" in archive.read("legwork/index.html")
    assert client.get("/export/legwork.json?part=everything").status_code == 404


def test_a_coach_with_no_coach_of_their_own_has_only_the_practice(alice_bob: Engagement, alice: User) -> None:
    client = signed_in(alice)
    assert "?part=coaching" not in client.get("/export/").content.decode()
    assert client.get("/export/legwork.json?part=coaching").status_code == 404
    assert client.get("/export/legwork.json?part=bob").status_code == 404


def test_a_client_cannot_take_a_practice_export(alice_bob: Engagement, bob: User) -> None:
    assert signed_in(bob).get("/export/legwork.json?part=practice").status_code == 404


def test_a_coach_who_is_also_a_client_deletes_their_own_coaching_and_keeps_the_practice(
    alice: User, carol: User, carol_dan: Engagement, dan: User
) -> None:
    from legwork.notebook.models import JournalEntry, ThinkingTimeBlock

    coached = _carol_coached_by_alice(alice, carol, carol_dan)
    client = signed_in(carol)
    page = client.get("/export/").content.decode()
    assert "Delete your own coaching" in page
    assert "your practice" in page
    response = client.post("/account/delete/", {"password": PASSWORD, "confirm": "DELETE"})
    assert response.status_code == 302
    assert User.objects.filter(pk=carol.pk).exists()
    assert not Engagement.objects.filter(pk=coached.pk).exists()
    assert not JournalEntry.objects.filter(client=carol).exists()
    assert not ThinkingTimeBlock.objects.filter(client=carol).exists()
    assert not Homework.objects.filter(title="Carol's own homework").exists()
    # Her practice is untouched: Dan's engagement, homework and progress stay.
    assert Engagement.objects.filter(pk=carol_dan.pk).exists()
    assert Homework.objects.filter(engagement=carol_dan, title="Call Dana at Acme").exists()
    assert client.get("/coach/").status_code == 200  # still signed in, still a coach


def test_a_coach_who_is_also_a_client_needs_the_password_to_delete(
    alice: User, carol: User, carol_dan: Engagement
) -> None:
    coached = _carol_coached_by_alice(alice, carol, carol_dan)
    response = signed_in(carol).post("/account/delete/", {"password": "wrong", "confirm": "DELETE"})
    assert response.status_code == 400
    assert Engagement.objects.filter(pk=coached.pk).exists()
