from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.urls import reverse

from conftest import make_engagement, make_homework, make_user
from legwork.notebook.models import EntryDraft, JournalEntry

pytestmark = pytest.mark.django_db


def make_entry(client: Any, body: str = "Some thoughts", **kwargs: Any) -> JournalEntry:
    return JournalEntry.objects.create(client=client, body=body, **kwargs)


def test_it_saves_a_new_entry_as_private(client: Any, bob: Any, alice_bob: Any) -> None:
    client.force_login(bob)
    homework = make_homework(alice_bob)
    response = client.post(
        reverse("journal_entry_new"),
        {
            "title": "After the session",
            "body": "I *felt* lighter",
            "tags": "energy, energy , ux",
            "homework": homework.pk,
        },
    )
    entry = JournalEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == entry.get_absolute_url()
    assert entry.client == bob
    assert entry.shared_with is None
    assert entry.homework == homework
    assert entry.tags == "energy, ux"
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "<em>felt</em>" in page
    assert "Only you" in page


def test_it_refuses_someone_elses_homework_and_keeps_the_text(client: Any, bob: Any, carol_dan: Any) -> None:
    client.force_login(bob)
    other = make_homework(carol_dan)
    response = client.post(reverse("journal_entry_new"), {"body": "My words stay", "homework": other.pk})
    assert response.status_code == 400
    assert "My words stay" in response.content.decode()
    assert not JournalEntry.objects.exists()


def test_it_answers_bad_input_without_a_500(client: Any, bob: Any) -> None:
    client.force_login(bob)
    response = client.post(reverse("journal_entry_new"), {"title": "x" * 500, "body": "kept", "homework": "nope"})
    assert response.status_code == 400
    assert "kept" in response.content.decode()
    assert client.get("/notebook/99999999999999999999/").status_code == 404
    assert client.post(reverse("journal_entry_autosave_new"), {"body": "y" * 60_000}).status_code == 200
    assert len(EntryDraft.objects.get().body) == 50_000


def test_it_autosaves_a_draft_and_restores_it(client: Any, bob: Any) -> None:
    client.force_login(bob)
    with time_machine.travel("2026-05-04 09:42:00Z", tick=False):
        response = client.post(reverse("journal_entry_autosave_new"), {"title": "Half", "body": "typed so far"})
    assert "Saved 10:42" in response.content.decode()  # bob is in Europe/London, BST
    page = client.get(reverse("journal_entry_new")).content.decode()
    assert "typed so far" in page
    assert "Restored what you typed" in page
    client.post(reverse("journal_entry_new"), {"title": "Whole", "body": "typed so far, and more"})
    assert not EntryDraft.objects.exists()
    assert JournalEntry.objects.get().title == "Whole"


def test_it_keeps_an_edit_draft_apart_from_the_shared_entry(client: Any, bob: Any, alice_bob: Any) -> None:
    entry = make_entry(bob, "first version")
    entry.share(alice_bob)
    client.force_login(bob)
    client.post(reverse("journal_entry_autosave", args=[entry.pk]), {"body": "half-written second thoughts"})
    entry.refresh_from_db()
    assert entry.body == "first version"
    assert "half-written second thoughts" in client.get(reverse("journal_entry_edit", args=[entry.pk])).content.decode()
    client.post(reverse("journal_entry_edit", args=[entry.pk]), {"body": "second version"})
    entry.refresh_from_db()
    assert entry.body == "second version"
    assert not EntryDraft.objects.exists()


def test_it_shares_and_unshares_one_entry_at_a_time(client: Any, alice: Any, bob: Any, alice_bob: Any) -> None:
    shared, private = make_entry(bob, "the shared one"), make_entry(bob, "the private one")
    client.force_login(bob)
    with time_machine.travel("2026-03-02 12:00:00Z", tick=False):
        client.post(reverse("journal_entry_share", args=[shared.pk]), {"engagement": alice_bob.pk})
    shared.refresh_from_db()
    assert shared.shared_with == alice_bob
    assert shared.shared_at is not None
    assert shared.shared_at.isoformat().startswith("2026-03-02T12:00")
    client.force_login(alice)
    page = client.get(reverse("engagement", args=[alice_bob.pk])).content.decode()
    assert "Shared from the notebook" in page
    assert "shared Mon 2 Mar, 12:00" in page
    full = client.get(reverse("shared_entries", args=[alice_bob.pk])).content.decode()
    assert "the shared one" in full
    assert "the private one" not in full
    assert client.get(reverse("journal_entry", args=[shared.pk])).status_code == 200
    assert client.get(reverse("journal_entry", args=[private.pk])).status_code == 404
    client.force_login(bob)
    client.post(reverse("journal_entry_unshare", args=[shared.pk]))
    client.force_login(alice)
    assert client.get(reverse("journal_entry", args=[shared.pk])).status_code == 404
    assert "the shared one" not in client.get(reverse("shared_entries", args=[alice_bob.pk])).content.decode()


def test_it_refuses_to_share_with_another_clients_engagement(client: Any, bob: Any, carol_dan: Any) -> None:
    entry = make_entry(bob)
    client.force_login(bob)
    client.post(reverse("journal_entry_share", args=[entry.pk]), {"engagement": carol_dan.pk})
    entry.refresh_from_db()
    assert entry.shared_with is None


def test_it_defaults_the_share_choice_to_the_clients_coach(client: Any, bob: Any, alice_bob: Any) -> None:
    entry = make_entry(bob)
    client.force_login(bob)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert f'<option value="{alice_bob.pk}" selected>Alice Coach</option>' in page


def test_it_gives_404_to_another_client_and_another_coach(client: Any, bob: Any, carol: Any, dan: Any) -> None:
    """Ownership: dan and carol can't see bob's entry, nor carol a shared one (it is shared with alice)."""
    alice = make_user("alice2@example.com", is_coach=True)
    entry = make_entry(bob)
    entry.share(make_engagement(alice, bob))
    for person in (dan, carol):
        client.force_login(person)
        for name in ("journal_entry", "journal_entry_edit"):
            assert client.get(reverse(name, args=[entry.pk])).status_code == 404
        assert client.post(reverse("journal_entry_unshare", args=[entry.pk])).status_code == 404
        assert client.post(reverse("journal_entry_autosave", args=[entry.pk]), {"body": "x"}).status_code == 404


def test_it_forbids_the_coach_to_change_a_shared_entry(client: Any, alice: Any, bob: Any, alice_bob: Any) -> None:
    """Role: the coach can read a shared entry but not edit, unshare, autosave or delete it."""
    entry = make_entry(bob)
    entry.share(alice_bob)
    client.force_login(alice)
    assert client.get(reverse("journal_entry_edit", args=[entry.pk])).status_code == 403
    assert client.post(reverse("journal_entry_unshare", args=[entry.pk])).status_code == 403
    assert client.post(reverse("journal_entry_delete", args=[entry.pk])).status_code == 403
    assert client.post(reverse("journal_entry_autosave", args=[entry.pk]), {"body": "x"}).status_code == 403
    assert JournalEntry.objects.filter(pk=entry.pk, shared_with=alice_bob).exists()


def test_it_searches_only_ones_own_entries(client: Any, bob: Any, dan: Any) -> None:
    make_entry(bob, "Talked to a UX researcher about Portfolios", title="Coffee")
    make_entry(bob, "Nothing about that", title="Other", tags="ux")
    make_entry(dan, "dan also mentions portfolios")
    client.force_login(bob)
    page = client.get(reverse("notebook"), {"q": "PORTFOLIOS researcher"}).content.decode()
    assert "Coffee" in page
    assert "Other" not in page
    assert "dan also" not in page
    assert "Other" in client.get(reverse("notebook"), {"q": "ux"}).content.decode()
    assert client.get(reverse("notebook"), {"q": "%_'\"<>" * 100}).status_code == 200


def test_it_lists_a_coaches_shared_entries_with_a_fixed_number_of_queries(
    client: Any, alice: Any, bob: Any, alice_bob: Any, django_assert_max_num_queries: Any
) -> None:
    for index in range(12):
        make_entry(bob, f"entry {index}").share(alice_bob)
    client.force_login(alice)
    client.get(reverse("shared_entries", args=[alice_bob.pk]))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("shared_entries", args=[alice_bob.pk]))
    assert response.content.decode().count('class="card entry"') == 12
