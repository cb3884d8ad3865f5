"""The exercise file format: every shipped file loads; a broken file is refused with its place named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from legwork.exercises.format import LIBRARY, ExerciseFormatError, builtin_documents, dump_exercise, parse_exercise
from legwork.exercises.models import Exercise

GOOD = """
slug: my-exercise
title: My exercise
purpose: act
kind: logical
fields:
  - {name: first, label: First, type: short_text}
"""


def errors_for(text: str | bytes, source: str = "mine.yaml") -> list[str]:
    with pytest.raises(ExerciseFormatError) as caught:
        parse_exercise(text, source)
    assert str(caught.value).startswith(source)
    return caught.value.errors


def test_it_ships_every_library_exercise_valid() -> None:
    titles = {document["title"] for document in builtin_documents()}
    assert titles >= {
        "Possible Selves",
        "Thinking Creatively",
        "Values",
        "Energy Audit",
        "Informational Interview log",
        "Job Application steps",
        "Weekly Reflection",
        "Support Map",
    }


def test_it_uses_every_field_type_somewhere_in_the_library() -> None:
    used = set()
    for document in builtin_documents():
        for field in document["fields"]:
            used.add(field["type"])
            used.update(sub["type"] for sub in field.get("fields", []))
    assert used == {"short_text", "long_text", "list", "single_choice", "multiple_choice", "scale", "date", "group"}


def test_it_accepts_a_good_document_in_yaml_and_json() -> None:
    document = parse_exercise(GOOD, "mine.yaml")
    assert parse_exercise(json.dumps(document), "mine.json") == document
    assert parse_exercise(dump_exercise(document), "again.yaml") == document


def test_it_names_the_field_with_an_unknown_type() -> None:
    text = GOOD + "  - {name: second, label: Second, type: essay}\n"
    assert errors_for(text) == [
        "fields[1] (“second”): unknown type “essay”; known types are short_text, long_text, list, "
        "single_choice, multiple_choice, scale, date, group"
    ]


def test_it_refuses_a_group_inside_a_group_naming_both() -> None:
    text = GOOD + "  - {name: g, label: G, type: group, fields: [{name: inner, label: I, type: group}]}\n"
    [error] = errors_for(text)
    assert error.startswith("fields[1] (“g”).fields[0] (“inner”): unknown type “group”")


def test_it_says_the_title_is_missing() -> None:
    assert errors_for(GOOD.replace("title: My exercise\n", "")) == ["the document: missing title"]


def test_it_names_a_duplicate_field_name() -> None:
    text = GOOD + "  - {name: first, label: Again, type: long_text}\n"
    assert errors_for(text) == ["fields[1] (“first”): duplicate field name “first”; each field needs its own name"]


def test_it_says_where_the_yaml_is_malformed() -> None:
    assert errors_for("slug: x\ntitle: [unclosed\n") == [
        "line 3, column 1: malformed YAML/JSON: expected ',' or ']', but got '<stream end>'"
    ]
    assert errors_for('{"slug": "x",\n "title": "a"', "mine.json") == [
        "line 2, column 14: malformed YAML/JSON: expected ',' or '}', but got '<stream end>'"
    ]


def test_it_refuses_choices_without_options_and_bad_names() -> None:
    text = GOOD + "  - {name: Pick One, label: Pick, type: single_choice}\n"
    errors = errors_for(text)
    assert "fields[1] (“Pick One”): missing options" in errors
    assert any(error.startswith("fields[1] (“Pick One”).name: 'Pick One' does not match") for error in errors)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- just\n- a list\n", "the document must be a mapping"),
        ("", "the document must be a mapping"),
        (b"\xff\xfe", "the file is not UTF-8 text"),
        (b"x" * 300_000, "the file is larger than 200 kB"),
        (GOOD + "colour: red\n", "the document: unknown key ('colour' was unexpected)"),
        (GOOD.replace("purpose: act", "purpose: maybe"), "purpose: 'maybe' is not one of ['explore', 'act']"),
        (GOOD + "  - {name: s, label: S, type: scale, low: 3}\n", "fields[1] (“s”).low: 3 is not of type 'string'"),
    ],
)
def test_it_refuses_other_broken_documents(text: str | bytes, expected: str) -> None:
    assert any(error.startswith(expected) for error in errors_for(text)), errors_for(text)


def test_it_validates_every_file_on_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import legwork.exercises.format as format_module

    library = tmp_path / "library"
    library.mkdir()
    (library / "schema.json").write_text((LIBRARY / "schema.json").read_text())
    (library / "good.yaml").write_text(GOOD)
    (library / "broken.yaml").write_text(GOOD.replace("type: short_text", "type: nope"))
    monkeypatch.setattr(format_module, "LIBRARY", library)
    with pytest.raises(ExerciseFormatError, match="broken.yaml: fields\\[0\\] \\(“first”\\): unknown type “nope”"):
        format_module.builtin_documents()


@pytest.mark.django_db
def test_it_loads_the_builtins_into_the_database_read_only() -> None:
    builtins = Exercise.objects.builtins()
    assert builtins.count() == len(builtin_documents())
    possible = builtins.get(slug="possible-selves")
    assert possible.owner is None
    assert possible.is_builtin
    assert possible.fields[0]["type"] == "group"


def test_it_refuses_anchors_and_aliases_before_expanding_them() -> None:
    """ "Billion laughs": levels of aliases (nine of them made a 15 MB error message from a small file)."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]" for n in range(1, 5)]
    text = "\n".join(lines) + "\nslug: laughs\n"
    with pytest.raises(ExerciseFormatError) as error:
        parse_exercise(text.encode(), "laughs.yaml")
    assert "anchors and aliases" in str(error.value)
    assert len(str(error.value)) < 500
    with pytest.raises(ExerciseFormatError, match="anchors and aliases"):
        parse_exercise(b"title: &t Values\nslug: values\n", "anchor.yaml")


def test_error_messages_quote_a_short_excerpt_only() -> None:
    document = {"slug": "x", "title": "T", "purpose": "explore", "kind": "logical", "fields": ["y" * 150_000]}
    with pytest.raises(ExerciseFormatError) as error:
        parse_exercise(json.dumps(document).encode(), "big.json")
    assert len(str(error.value)) < 2_000


def test_deep_nesting_is_refused_not_a_server_error() -> None:
    with pytest.raises(ExerciseFormatError):
        parse_exercise(("[" * 50_000 + "]" * 50_000).encode(), "deep.yaml")


@pytest.mark.parametrize("slug", ["values\n", "values\r\n", "\nvalues"])
def test_a_slug_with_a_line_break_is_refused(slug: str) -> None:
    """A slug ending in a newline passed the schema's pattern (re.search's "$") and its export answered 500."""
    document = {"slug": slug, "title": "T", "purpose": "explore", "kind": "logical",
                "fields": [{"name": "a", "label": "A", "type": "short_text"}]}  # fmt: skip
    with pytest.raises(ExerciseFormatError, match="slug"):
        parse_exercise(json.dumps(document).encode(), "slug.json")
    document["slug"] = "values"
    document["fields"][0]["name"] = "a\n"  # type: ignore[index]
    with pytest.raises(ExerciseFormatError, match="name"):
        parse_exercise(json.dumps(document).encode(), "name.json")
