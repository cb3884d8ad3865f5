from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from legwork.exercises.models import Exercise, HomeworkExercise
from legwork.homework.models import Homework

pytestmark = pytest.mark.django_db


def editor_post(
    title: str = "Networking map", rows: list[dict[str, Any]] | None = None, **extra: Any
) -> dict[str, Any]:
    rows = rows if rows is not None else [{"label": "Who do you know?", "type": "list"}]
    data = {
        "title": title,
        "purpose": "explore",
        "kind": "logical",
        "instructions": "Take your time.",
        "fields-TOTAL_FORMS": str(len(rows)),
        "fields-INITIAL_FORMS": "0",
        "fields-MIN_NUM_FORMS": "0",
        "fields-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"fields-{index}-{key}"] = value
        data.setdefault(f"fields-{index}-ORDER", str(index + 1))
    data.update(extra)
    return data


def make_own(owner: Any, title: str = "Mine") -> Exercise:
    return Exercise.objects.create(
        owner=owner, slug="mine", title=title, fields=[{"name": "a", "label": "A", "type": "short_text"}]
    )


def test_it_lists_builtins_and_the_coaches_own(client: Any, alice: Any, carol: Any) -> None:
    make_own(alice, "Alice's own")
    make_own(carol, "Carol's own")
    client.force_login(alice)
    page = client.get(reverse("exercises")).content.decode()
    assert "Possible Selves" in page
    assert "Alice&#x27;s own" in page
    assert "Carol" not in page


def test_it_creates_an_exercise_from_the_browser_form(client: Any, alice: Any) -> None:
    client.force_login(alice)
    rows = [
        {"label": "Who do you know?", "type": "list"},
        {"label": "How close?", "type": "single_choice", "options": "Close\nAcquaintance\n", "required": "on"},
        {"label": "People", "type": "group", "options": "Name | short_text\nHow we met | single_choice | Work; School"},
        {"label": "", "type": "short_text"},
    ]
    response = client.post(reverse("exercise_new"), editor_post(rows=rows))
    exercise = Exercise.objects.get(owner=alice)
    assert response.status_code == 302
    assert exercise.slug == "networking-map"
    assert [f["name"] for f in exercise.fields] == ["who_do_you_know", "how_close", "people"]
    assert exercise.fields[1] == {
        "name": "how_close",
        "label": "How close?",
        "type": "single_choice",
        "required": True,
        "options": ["Close", "Acquaintance"],
    }
    assert exercise.fields[2]["fields"][1] == {
        "name": "how_we_met",
        "label": "How we met",
        "type": "single_choice",
        "options": ["Work", "School"],
    }


def test_it_reorders_and_deletes_rows(client: Any, alice: Any) -> None:
    client.force_login(alice)
    rows = [
        {"label": "First", "type": "short_text", "ORDER": "3"},
        {"label": "Second", "type": "short_text", "ORDER": "1"},
        {"label": "Gone", "type": "short_text", "DELETE": "on"},
    ]
    client.post(reverse("exercise_new"), editor_post(rows=rows))
    assert [f["label"] for f in Exercise.objects.get(owner=alice).fields] == ["Second", "First"]


def test_it_keeps_the_editor_form_with_errors_that_name_the_field(client: Any, alice: Any) -> None:
    client.force_login(alice)
    rows = [{"label": "Pick one", "type": "single_choice", "options": "Only one"}, {"label": "X", "type": "warp"}]
    response = client.post(reverse("exercise_new"), editor_post(title="Keep my title", rows=rows))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Keep my title" in page
    assert "Only one" in page
    assert "Select a valid choice. warp is not one of the available choices." in page
    response = client.post(reverse("exercise_new"), editor_post(rows=rows[:1]))
    assert "fields[0] (“pick_one”).options: [&#x27;Only one&#x27;] is too short" in response.content.decode()
    assert not Exercise.objects.filter(owner=alice).exists()


def test_it_edits_the_coaches_own_exercise(client: Any, alice: Any) -> None:
    exercise = make_own(alice)
    client.force_login(alice)
    form = client.get(reverse("exercise_edit", args=[exercise.pk])).content.decode()
    assert 'value="A"' in form
    client.post(reverse("exercise_edit", args=[exercise.pk]), editor_post(title="Renamed"))
    exercise.refresh_from_db()
    assert exercise.title == "Renamed"
    assert exercise.slug == "mine"


def test_it_keeps_builtins_read_only_but_lets_them_be_duplicated(client: Any, alice: Any) -> None:
    builtin = Exercise.objects.get(slug="values", owner=None)
    client.force_login(alice)
    assert client.get(reverse("exercise_edit", args=[builtin.pk])).status_code == 403
    assert client.post(reverse("exercise_archive", args=[builtin.pk])).status_code == 403
    response = client.post(reverse("exercise_duplicate", args=[builtin.pk]))
    copy = Exercise.objects.get(owner=alice)
    assert response["Location"] == reverse("exercise_edit", args=[copy.pk])
    assert copy.title == "Values (my copy)"
    assert copy.slug == "values"
    assert copy.fields == builtin.fields
    client.post(reverse("exercise_duplicate", args=[builtin.pk]))
    assert sorted(Exercise.objects.filter(owner=alice).values_list("slug", flat=True)) == ["values", "values-2"]


def test_it_archives_and_brings_back_the_coaches_own(client: Any, alice: Any) -> None:
    exercise = make_own(alice)
    client.force_login(alice)
    client.post(reverse("exercise_archive", args=[exercise.pk]))
    exercise.refresh_from_db()
    assert exercise.archived_at is not None
    page = client.get(reverse("exercises")).content.decode()
    assert "Archived (1)" in page
    client.post(reverse("exercise_archive", args=[exercise.pk]))
    exercise.refresh_from_db()
    assert exercise.archived_at is None


def test_it_exports_and_reimports_an_exercise(client: Any, alice: Any, carol: Any) -> None:
    client.force_login(alice)
    builtin = Exercise.objects.get(slug="possible-selves", owner=None)
    response = client.get(reverse("exercise_export", args=[builtin.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="possible-selves.yaml"'
    assert yaml.safe_load(response.content)["fields"] == builtin.fields
    client.force_login(carol)
    upload = SimpleUploadedFile("possible-selves.yaml", response.content)
    response = client.post(reverse("exercise_import"), {"file": upload})
    imported = Exercise.objects.get(owner=carol)
    assert response["Location"] == imported.get_absolute_url()
    assert imported.fields == builtin.fields
    assert imported.title == "Possible Selves"


def test_it_refuses_a_broken_import_naming_the_place(client: Any, alice: Any) -> None:
    client.force_login(alice)
    text = b"slug: x\ntitle: X\npurpose: act\nkind: logical\nfields:\n  - {name: a, label: A, type: txt}\n"
    response = client.post(reverse("exercise_import"), {"file": SimpleUploadedFile("mine.yaml", text)})
    assert response.status_code == 400
    assert "mine.yaml: fields[0] (“a”): unknown type “txt”" in response.content.decode()
    response = client.post(reverse("exercise_import"), {"file": SimpleUploadedFile("bad.json", b'{"a": ')})
    assert "bad.json: line 1, column 7: malformed YAML/JSON" in response.content.decode()
    assert client.post(reverse("exercise_import"), {}).status_code == 400
    assert not Exercise.objects.filter(owner=alice).exists()


def test_it_hands_an_exercise_over_as_a_proposed_homework(client: Any, alice: Any, alice_bob: Any) -> None:
    client.force_login(alice)
    exercise = Exercise.objects.get(slug="energy-audit", owner=None)
    response = client.post(
        reverse("exercise_propose", args=[exercise.pk]), {"engagement": alice_bob.pk, "due_on": "2026-12-01"}
    )
    homework = Homework.objects.get()
    assert response["Location"] == homework.get_absolute_url()
    assert homework.title == "Energy Audit"
    assert homework.status == Homework.Status.PROPOSED
    assert homework.purpose == "explore"
    assert str(homework.due_on) == "2026-12-01"
    assert homework.homework_exercise.fields_snapshot == exercise.fields


def test_it_refuses_to_propose_to_another_coaches_client(client: Any, alice: Any, carol_dan: Any) -> None:
    client.force_login(alice)
    exercise = Exercise.objects.get(slug="values", owner=None)
    response = client.post(reverse("exercise_propose", args=[exercise.pk]), {"engagement": carol_dan.pk})
    assert response.status_code == 400
    assert not HomeworkExercise.objects.exists()


def test_it_gives_another_coach_404_for_someone_elses_exercise(client: Any, alice: Any, carol: Any) -> None:
    """Ownership: carol can't see, edit, export, duplicate or propose alice's exercise."""
    exercise = make_own(alice)
    client.force_login(carol)
    for name in ("exercise", "exercise_edit", "exercise_export"):
        assert client.get(reverse(name, args=[exercise.pk])).status_code == 404
    for name in ("exercise_duplicate", "exercise_archive", "exercise_propose"):
        assert client.post(reverse(name, args=[exercise.pk])).status_code == 404
    assert client.get("/exercises/99999999999999999999999/").status_code == 404


def test_it_forbids_clients_the_coaches_library(client: Any, bob: Any, alice_bob: Any) -> None:
    """Role: a client can't browse, write, import or propose exercises."""
    builtin = Exercise.objects.get(slug="values", owner=None)
    client.force_login(bob)
    assert client.get(reverse("exercises")).status_code == 403
    assert client.get(reverse("exercise_new")).status_code == 403
    assert client.get(reverse("exercise", args=[builtin.pk])).status_code == 403
    response = client.post(reverse("exercise_propose", args=[builtin.pk]), {"engagement": alice_bob.pk})
    assert response.status_code == 403
    assert not Homework.objects.exists()


def test_it_previews_what_the_client_will_see(client: Any, alice: Any) -> None:
    client.force_login(alice)
    page = client.get(reverse("exercise", args=[Exercise.objects.get(slug="possible-selves").pk])).content.decode()
    assert "Your possible selves" in page
    assert "Repeating group" in page
    assert "Hoped-for · Expected · Feared" not in page  # sub-field options stay in the group
    assert "In a year or two, I am…" in page


def test_it_adds_blank_question_rows_without_saving(client: Any, alice: Any) -> None:
    client.force_login(alice)
    response = client.post(reverse("exercise_new"), editor_post(title="Still typing", more="1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="fields-TOTAL_FORMS" value="3"' in page
    assert "Still typing" in page
    assert 'value="Who do you know?"' in page
    assert 'name="fields-2-label"' in page
    assert not Exercise.objects.filter(owner=alice).exists()
    too_many = client.post(reverse("exercise_new"), {**editor_post(more="1"), "fields-TOTAL_FORMS": "oops"})
    assert too_many.status_code == 200


def test_it_numbers_copies_of_an_exercise_with_a_long_slug_without_a_clash(alice: Any) -> None:
    from legwork.exercises.services import exercise_duplicate

    exercise = make_own(alice)
    exercise.slug = "a" * 54 + "-bcde"  # 59 characters: the number must replace its tail
    exercise.save()
    copies = [exercise_duplicate(exercise=exercise, by=alice) for _ in range(3)]
    slugs = [copy.slug for copy in copies]
    assert slugs == ["a" * 54 + "-2", "a" * 54 + "-3", "a" * 54 + "-4"]
    assert all(len(slug) <= 60 for slug in slugs)
