from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from legwork.coaching.access import require_client, require_is_coach
from legwork.homework.access import get_homework_for_user
from legwork.homework.models import Homework
from legwork.lib.http import AuthedHttpRequest
from legwork.lib.rules import RuleBroken

from . import services
from .access import get_exercise_for_user, require_editable
from .answers import bound_fields, read_answers, typed_from_answers
from .format import MAX_FILE_BYTES, ExerciseFormatError, dump_exercise, parse_exercise
from .forms import ExerciseForm, FieldFormSet, ImportForm, ProposeForm, editor_document, field_initial, new_slug
from .models import Exercise, HomeworkExercise


@login_required
def exercise_list(request: AuthedHttpRequest) -> HttpResponse:
    require_is_coach(request.user)
    return render(request, "exercises/exercise_list.html", _library(request, ImportForm()))


def _library(request: AuthedHttpRequest, import_form: ImportForm) -> dict[str, Any]:
    """The library by shelf: one query through the gate's own rule (`visible_to`)."""
    exercises = list(Exercise.objects.visible_to(request.user).select_related("owner"))
    own = [e for e in exercises if e.owner_id == request.user.pk]
    return {
        "builtins": [e for e in exercises if e.is_builtin and not e.archived_at],
        "mine": [e for e in own if not e.archived_at],
        "shared": [e for e in exercises if e.is_shared_with(request.user)],
        "archived": [e for e in own if e.archived_at],
        "import_form": import_form,
    }


@login_required
def exercise_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require_is_coach(request.user)
    exercise = get_exercise_for_user(request.user, pk)
    return render(request, "exercises/exercise_detail.html", _detail_context(request, exercise))


def _detail_context(
    request: AuthedHttpRequest, exercise: Exercise, propose_form: ProposeForm | None = None
) -> dict[str, Any]:
    return {
        "exercise": exercise,
        "can_edit": exercise.is_editable_by(request.user),
        "shared_by": exercise.owner if exercise.is_shared_with(request.user) else None,
        "preview": bound_fields(exercise.fields, {}, {}),
        "propose_form": propose_form or ProposeForm(coach=request.user),
    }


def _editor(request: AuthedHttpRequest, exercise: Exercise | None) -> HttpResponse:
    if request.method == "POST" and "more" in request.POST:
        # "Two more questions": the same form, everything kept, two blank rows added; nothing saved.
        data = request.POST.copy()
        try:
            total = int(str(data.get("fields-TOTAL_FORMS", "0")))
        except ValueError:
            total = 0
        data["fields-TOTAL_FORMS"] = str(max(0, min(total, 38)) + 2)
        form = ExerciseForm(data)
        formset = FieldFormSet(data, prefix="fields")
        return render(request, "exercises/exercise_form.html", {"form": form, "formset": formset, "exercise": exercise})
    if request.method == "POST":
        form = ExerciseForm(request.POST)
        formset = FieldFormSet(request.POST, prefix="fields")
        if form.is_valid() and formset.is_valid():
            try:
                document = editor_document(form, formset, new_slug(form.cleaned_data["title"], exercise))
            except ExerciseFormatError:
                pass
            else:
                if exercise is None:
                    exercise = services.exercise_create(owner=request.user, document=document)
                else:
                    services.exercise_update(exercise=exercise, document=document)
                messages.success(request, f"Saved “{exercise.title}”.")
                return redirect(exercise)
    else:
        initial: dict[str, Any] = {"purpose": "explore", "kind": "logical"}
        rows: list[dict[str, Any]] = []
        if exercise is not None:
            initial = {k: getattr(exercise, k) for k in ("title", "purpose", "kind", "instructions")}
            rows = [{**field_initial(field), "ORDER": index + 1} for index, field in enumerate(exercise.fields)]
        form = ExerciseForm(initial=initial)
        formset = FieldFormSet(initial=rows, prefix="fields")
    return render(
        request,
        "exercises/exercise_form.html",
        {"form": form, "formset": formset, "exercise": exercise},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def exercise_new(request: AuthedHttpRequest) -> HttpResponse:
    require_is_coach(request.user)
    return _editor(request, None)


@login_required
def exercise_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require_is_coach(request.user)
    exercise = get_exercise_for_user(request.user, pk)
    require_editable(exercise, request.user)
    return _editor(request, exercise)


@login_required
@require_POST
def exercise_duplicate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require_is_coach(request.user)
    exercise = get_exercise_for_user(request.user, pk)
    copy = services.exercise_duplicate(exercise=exercise, by=request.user)
    messages.success(request, "Your own copy: change whatever you like.")
    return redirect("exercise_edit", pk=copy.pk)


@login_required
@require_POST
def exercise_archive(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require_is_coach(request.user)
    exercise = get_exercise_for_user(request.user, pk)
    require_editable(exercise, request.user)
    if exercise.archived_at:
        exercise.unarchive()
        messages.success(request, f"“{exercise.title}” is back in your library.")
    else:
        exercise.archive()
        messages.success(request, f"“{exercise.title}” archived. Homework that uses it keeps it.")
    return redirect("exercises")


@login_required
@require_POST
def exercise_share(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Share your own exercise with your practice's other coaches, or stop sharing it."""
    require_is_coach(request.user)
    exercise = get_exercise_for_user(request.user, pk)
    require_editable(exercise, request.user)
    if exercise.shared_at:
        exercise.unshare()
        messages.success(request, f"“{exercise.title}” is yours alone again. Homework that uses it keeps it.")
    else:
        exercise.share()
        messages.success(request, f"“{exercise.title}” is shared with your practice: its coaches can use it.")
    return redirect(exercise)


@login_required
def exercise_export(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require_is_coach(request.user)
    exercise = get_exercise_for_user(request.user, pk)
    response = HttpResponse(dump_exercise(exercise.to_document()), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exercise.slug}.yaml"'
    return response


@login_required
@require_POST
def exercise_import(request: AuthedHttpRequest) -> HttpResponse:
    require_is_coach(request.user)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # One byte more than allowed, so parse_exercise can say "too large" without reading it all.
            document = parse_exercise(upload.read(MAX_FILE_BYTES + 1), upload.name or "the file")
        except ExerciseFormatError as error:
            for message in error.errors:
                form.add_error("file", f"{error.source}: {message}")
        else:
            exercise = services.exercise_create(owner=request.user, document=document)
            messages.success(request, f"Imported “{exercise.title}”.")
            return redirect(exercise)
    return render(request, "exercises/exercise_list.html", _library(request, form), status=400)


@login_required
@require_POST
def exercise_propose(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Propose an exercise as homework: a proposal the client confirms like any other."""
    require_is_coach(request.user)
    exercise = get_exercise_for_user(request.user, pk)
    form = ProposeForm(request.POST, coach=request.user)
    if form.is_valid():
        homework = services.exercise_propose(
            exercise=exercise,
            engagement=form.cleaned_data["engagement"],
            by=request.user,
            due_on=form.cleaned_data["due_on"],
            title=form.cleaned_data["title"],
        )
        messages.success(request, f"Proposed to {homework.engagement.client.display_name}: “{homework.title}”.")
        return redirect(homework)
    return render(request, "exercises/exercise_detail.html", _detail_context(request, exercise, form), status=400)


def _homework_exercise(request: AuthedHttpRequest, pk: int) -> tuple[Homework, HomeworkExercise]:
    homework = get_homework_for_user(request.user, pk)
    homework_exercise = HomeworkExercise.objects.filter(homework=homework).select_related("exercise").first()
    if homework_exercise is None:
        raise Http404("This homework has no exercise.")
    return homework, homework_exercise


@login_required
def homework_answers(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The client fills the exercise in, over as many sittings as they like; each save is a progress entry."""
    homework, homework_exercise = _homework_exercise(request, pk)
    require_client(homework.engagement, request.user)
    fields = homework_exercise.fields_snapshot
    latest = services.latest_answers(homework)
    errors: dict[str, str] = {}
    if request.method == "POST":
        answers, typed, errors = read_answers(fields, request.POST)
        adding = str(request.POST.get("add", ""))
        if not adding and not errors:
            # A short note, so the homework's progress timeline says what this entry was.
            note = f"Worked on the exercise “{homework_exercise.exercise.title}”."
            try:
                services.answers_save(homework=homework, by=request.user, answers=answers, note=note)
            except RuleBroken as error:
                # Reviewed homework keeps its answers as they were: back to it, with the reason.
                messages.error(request, error.message)
                return redirect(homework)
            messages.success(request, "Saved. Come back to it whenever you like: each save is kept.")
            return redirect("homework_answers", pk=homework.pk)
        # "Add another" re-shows the form with one more empty row in that group; nothing typed is lost.
        extra = {field["name"]: 1 if field["name"] == adding else 0 for field in fields}
    else:
        typed = typed_from_answers(fields, latest.answers if latest else None)
        extra = {field["name"]: 1 for field in fields}
    bound = [bound_fields([field], typed, errors, extra_rows=extra.get(field["name"], 0))[0] for field in fields]
    return render(
        request,
        "exercises/homework_answers.html",
        {
            "homework": homework,
            "homework_exercise": homework_exercise,
            "fields": bound,
            "errors": errors,
            "latest": latest,
        },
        status=400 if errors else 200,
    )
