"""Exercises and their answers, on the exercise app's gates, its one door for documents, and its answer reader.

A coach reads the built-ins and their own exercises, writes their own (checked by
`validate_document`, the door every file and the editor go through), and hands one over
as homework. The client answers through `read_answers`, the same reader as the answer page.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import Http404, HttpRequest, QueryDict

from legwork.coaching.access import require_client, require_is_coach
from legwork.exercises import serialise, services
from legwork.exercises.access import get_exercise_for_user, require_editable
from legwork.exercises.answers import GROUP_MAX_ITEMS, read_answers
from legwork.exercises.format import MAX_FILE_BYTES, ExerciseFormatError, validate_document
from legwork.exercises.forms import ProposeForm
from legwork.exercises.models import Exercise, HomeworkExercise
from legwork.homework.access import get_homework_for_user
from legwork.homework.models import Homework
from legwork.homework.serialise import homework as homework_json
from legwork.homework.serialise import progress_entry
from legwork.lib.shapes import obj, ref

from ..binding import FIELDS_MESSAGE, bind, form_schema
from ..http import ApiError, json_body, read_body, signed_in
from ..pagination import QUERY, page_schema, paginate
from ..router import router

SCHEMAS = {
    "ExercisePage": page_schema("Exercise"),
    "AnswersInput": obj(
        {
            "answers": {
                "type": "object",
                "description": "By question name: text; a whole number (scale); a list of texts (list, "
                "multiple choice); for a repeating group, a list of objects by sub-question name",
            }
        }
    ),
}


def _document(request: HttpRequest) -> dict[str, Any]:
    """The body as an exercise document, through the same checks as an imported file."""
    if len(read_body(request)) > MAX_FILE_BYTES:
        raise ApiError(413, f"An exercise is at most {MAX_FILE_BYTES // 1000} kB.")
    try:
        return validate_document(json_body(request), "the exercise")
    except ExerciseFormatError as error:
        fields = dict(message.partition(": ")[::2] for message in error.errors)
        raise ApiError(400, "That is not an exercise Legwork can use.", fields) from None


@router.get(
    "/exercises",
    summary="The exercise library: the built-ins, your own and those shared in your practice "
    "(`?archived=1` adds your archived ones)",
    response=ref("ExercisePage"),
    role="coach",
    query=[*QUERY, {"name": "archived", "in": "query", "schema": {"type": "string", "enum": ["1", "true"]}}],
)
def exercise_list(request: HttpRequest) -> dict[str, Any]:
    user = signed_in(request)
    require_is_coach(user)
    exercises = Exercise.objects.visible_to(user).select_related("owner")
    if request.GET.get("archived") not in ("1", "true"):
        exercises = exercises.current()
    return paginate(request, exercises, order=("title", "pk"), serialise=serialise.exercise)


@router.post(
    "/exercises",
    summary="Write your own exercise from a document (the shape of an exercise file)",
    response=ref("Exercise"),
    status=201,
    role="coach",
    body=ref("ExerciseDocument"),
)
def exercise_create(request: HttpRequest) -> dict[str, Any]:
    user = signed_in(request)
    require_is_coach(user)
    return serialise.exercise(services.exercise_create(owner=user, document=_document(request)))


@router.get("/exercises/{id}", summary="One exercise", response=ref("Exercise"), role="coach")
def exercise_detail(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    require_is_coach(user)
    return serialise.exercise(get_exercise_for_user(user, id))


@router.put(
    "/exercises/{id}",
    summary="Rewrite your own exercise (it keeps its slug); homework that carries it keeps its questions",
    response=ref("Exercise"),
    role="coach",
    body=ref("ExerciseDocument"),
)
def exercise_update(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    require_is_coach(user)
    exercise = get_exercise_for_user(user, id)
    require_editable(exercise, user)
    document = {**_document(request), "slug": exercise.slug}
    services.exercise_update(exercise=exercise, document=document)
    return serialise.exercise(exercise)


@router.post(
    "/exercises/{id}/duplicate",
    summary="Your own editable copy of an exercise",
    response=ref("Exercise"),
    status=201,
    role="coach",
)
def exercise_duplicate(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    require_is_coach(user)
    return serialise.exercise(services.exercise_duplicate(exercise=get_exercise_for_user(user, id), by=user))


def _archive(request: HttpRequest, id: str, *, archived: bool) -> dict[str, Any]:
    user = signed_in(request)
    require_is_coach(user)
    exercise = get_exercise_for_user(user, id)
    require_editable(exercise, user)
    if archived and not exercise.archived_at:
        exercise.archive()
    elif not archived and exercise.archived_at:
        exercise.unarchive()
    return serialise.exercise(exercise)


@router.post(
    "/exercises/{id}/archive",
    summary="Archive your exercise; homework that uses it keeps it",
    response=ref("Exercise"),
    role="coach",
)
def exercise_archive(request: HttpRequest, id: str) -> dict[str, Any]:
    return _archive(request, id, archived=True)


@router.post(
    "/exercises/{id}/unarchive",
    summary="Bring an archived exercise back into your library",
    response=ref("Exercise"),
    role="coach",
)
def exercise_unarchive(request: HttpRequest, id: str) -> dict[str, Any]:
    return _archive(request, id, archived=False)


def _share(request: HttpRequest, id: str, *, shared: bool) -> dict[str, Any]:
    user = signed_in(request)
    require_is_coach(user)
    exercise = get_exercise_for_user(user, id)
    require_editable(exercise, user)
    if shared:
        exercise.share()
    else:
        exercise.unshare()
    return serialise.exercise(exercise)


@router.post(
    "/exercises/{id}/share",
    summary="Share your exercise with your practice: its other coaches can read, propose and duplicate it",
    response=ref("Exercise"),
    role="coach",
)
def exercise_share(request: HttpRequest, id: str) -> dict[str, Any]:
    return _share(request, id, shared=True)


@router.post(
    "/exercises/{id}/unshare",
    summary="Stop sharing your exercise; homework that already carries it keeps it",
    response=ref("Exercise"),
    role="coach",
)
def exercise_unshare(request: HttpRequest, id: str) -> dict[str, Any]:
    return _share(request, id, shared=False)


@router.post(
    "/exercises/{id}/propose",
    summary="Propose a homework that carries the exercise; the client confirms it like any other",
    response=ref("Homework"),
    status=201,
    role="coach",
    body=lambda: form_schema(ProposeForm),
)
def exercise_propose(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    require_is_coach(user)
    exercise = get_exercise_for_user(user, id)
    form = bind(lambda data: ProposeForm(data, coach=user), json_body(request))
    homework = services.exercise_propose(
        exercise=exercise,
        engagement=form.cleaned_data["engagement"],
        by=user,
        due_on=form.cleaned_data["due_on"],
        title=form.cleaned_data["title"],
    )
    return homework_json(homework)


def _homework_exercise(request: HttpRequest, id: str) -> tuple[Homework, HomeworkExercise]:
    homework = get_homework_for_user(signed_in(request), id)
    carried = HomeworkExercise.objects.filter(homework=homework).select_related("exercise").first()
    if carried is None:
        raise Http404("This homework has no exercise.")
    return homework, carried


@router.get(
    "/homework/{id}/answers",
    summary="The exercise a homework carries, with the latest sitting's answers",
    response=ref("AnswerSheet"),
)
def answers_detail(request: HttpRequest, id: str) -> dict[str, Any]:
    homework, carried = _homework_exercise(request, id)
    return serialise.answer_sheet(carried, services.latest_answers(homework))


def _put_answer(data: QueryDict, key: str, field: dict[str, Any], value: Any) -> str:
    """Put one answer into the answer page's form data; the problem with its JSON type, if any."""
    kind = field["type"]
    if value is None:
        return ""
    if kind in ("multiple_choice", "list"):
        if isinstance(value, str) and kind == "list":
            value = value.splitlines()
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return "A list of texts."
        if kind == "list":
            data[key] = "\n".join(item.replace("\n", " ") for item in value)
        else:
            data.setlist(key, value)
        return ""
    if kind == "scale":
        if isinstance(value, bool) or not isinstance(value, int):
            return "A whole number from 1 to 10."
        value = str(value)
    if not isinstance(value, str):
        return "Text."
    data[key] = value
    return ""


def _answers_data(fields: list[dict[str, Any]], answers: Any) -> tuple[QueryDict, dict[str, str]]:
    data = QueryDict(mutable=True)
    if not isinstance(answers, dict):
        return data, {"answers": "An object of answers by question name."}
    known = {field["name"]: field for field in fields}
    errors = {f"answers.{name}": "Not a question of this exercise." for name in answers if name not in known}
    for name, field in known.items():
        value = answers.get(name)
        if field["type"] != "group":
            if problem := _put_answer(data, name, field, value):
                errors[f"answers.{name}"] = problem
            continue
        items = value or []
        limit = field.get("max_items", GROUP_MAX_ITEMS)
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items) or len(items) > limit:
            errors[f"answers.{name}"] = f"A list of at most {limit} objects."
            continue
        data[f"{name}-count"] = str(len(items))
        subs = {sub["name"]: sub for sub in field.get("fields", [])}
        for index, item in enumerate(items):
            for sub_name, value in item.items():
                where = f"answers.{name}[{index}].{sub_name}"
                if sub_name not in subs:
                    errors[where] = "Not a question of this group."
                elif problem := _put_answer(data, f"{name}-{index}-{sub_name}", subs[sub_name], value):
                    errors[where] = problem
    return data, errors


_GROUP_KEY = re.compile(r"^(\w+)-(\d+)-(\w+)$")


@router.post(
    "/homework/{id}/answers",
    summary="The client saves a sitting's answers; each save is kept as a progress entry",
    response=ref("ProgressEntry"),
    status=201,
    role="client",
    body=ref("AnswersInput"),
)
def answers_save(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    homework, carried = _homework_exercise(request, id)
    require_client(homework.engagement, user)
    payload = json_body(request)
    unknown = {name: "Not a field of this request." for name in payload if name != "answers"}
    if "answers" not in payload:
        unknown["answers"] = "The answers, by question name."
    data, errors = _answers_data(carried.fields_snapshot, payload.get("answers", {}))
    if unknown or errors:
        raise ApiError(400, FIELDS_MESSAGE, {**unknown, **errors})
    answers, _, problems = read_answers(carried.fields_snapshot, data)
    if problems:
        fields = {"answers." + _GROUP_KEY.sub(r"\1[\2].\3", key): message for key, message in problems.items()}
        raise ApiError(400, FIELDS_MESSAGE, fields)
    note = f"Worked on the exercise “{carried.exercise.title}”."
    return progress_entry(services.answers_save(homework=homework, by=user, answers=answers, note=note))
