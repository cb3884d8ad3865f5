"""Quality at review, check-ins and selves to steps (issue 14).

The blind rule answers the same here as on the pages: `ratings` holds only the caller's own
until both have rated or the review session has ended (`RatingPair.visible_to_role`).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from legwork.coaching.access import get_engagement_for_user, get_session_for_user, require_is_coach
from legwork.homework import serialise as homework_json
from legwork.homework.access import get_homework_for_user
from legwork.lib.shapes import INTEGER, STRING, array, nullable, obj, ref
from legwork.quality import serialise, services, steps
from legwork.quality.access import get_check_in_scale_for_user
from legwork.quality.forms import QualityForm
from legwork.quality.models import SCALES_PER_ENGAGEMENT, SHIPPED_SCALES, CheckInScale, Step, rating_pairs, role_of

from ..binding import FIELDS_MESSAGE, bind, form_schema
from ..http import ApiError, json_body, signed_in
from ..router import router

SCHEMAS = {
    "CheckInScalesInput": obj(
        {
            "keys": {
                "type": "array",
                "items": {"type": "string", "enum": [key for key, *_ in SHIPPED_SCALES]},
                "description": "Shipped scales, by key",
            },
            "own": {
                "type": "array",
                "maxItems": SCALES_PER_ENGAGEMENT,
                "items": obj({"question": STRING, "low_label": STRING, "high_label": STRING}),
                "description": "The coach's own scales",
            },
            "library": {
                "type": "array",
                "maxItems": SCALES_PER_ENGAGEMENT,
                "items": INTEGER,
                "description": "Scales from the coach's library (GET /check-in-scales), by id: copied in",
            },
        },
        optional=["keys", "own", "library"],
        description="The whole set: a scale left out is retired (its answers stay)",
    ),
    "CheckInAnswersInput": obj(
        {"answers": array(obj({"scale": INTEGER, "value": nullable({"type": "integer", "minimum": 0, "maximum": 10})}))}
    ),
    "StepInput": obj(
        {
            "anchor": {"type": "integer", "minimum": 0, "description": "Which self (or question), by position"},
            "strategy": {"type": "integer", "minimum": 0, "description": "Which of its strategies, by position"},
        }
    ),
    "StepCreated": obj({"homework": ref("Homework"), "step": ref("Step")}),
}


def _quality(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    homework = get_homework_for_user(user, id)
    pair = rating_pairs([homework])[homework.pk]
    return serialise.homework_quality(pair, role=role_of(homework.engagement, user))


@router.get(
    "/homework/{id}/quality",
    summary="How well the homework went and how useful it was, as rated by each; blind until both have rated",
    response=ref("HomeworkQuality"),
)
def quality_detail(request: HttpRequest, id: str) -> dict[str, Any]:
    return _quality(request, id)


@router.put(
    "/homework/{id}/quality",
    summary="Give or change your rating; the coach rates once it has its outcome",
    description="Once both ratings are shown (or the review session has ended), a rating no longer changes: 409.",
    response=ref("HomeworkQuality"),
    body=lambda: form_schema(QualityForm),
)
def quality_rate(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    homework = get_homework_for_user(user, id)
    form = bind(QualityForm, json_body(request))
    services.quality_rate(homework=homework, by=user, **form.cleaned_data)
    return _quality(request, id)


@router.get(
    "/engagements/{id}/check-ins",
    summary="The engagement's check-in scales and every answer, by session",
    response=ref("CheckIns"),
)
def check_ins(request: HttpRequest, id: str) -> dict[str, Any]:
    engagement = get_engagement_for_user(signed_in(request), id)
    return serialise.engagement_check_ins(engagement)


def _texts(item: Any, names: tuple[str, ...]) -> tuple[str, ...]:
    if not isinstance(item, dict) or set(item) - set(names) or not all(isinstance(item.get(n), str) for n in names):
        raise ApiError(400, FIELDS_MESSAGE, {"own": "Each needs a question, a low_label and a high_label, as text."})
    return tuple(item[n] for n in names)


@router.put(
    "/engagements/{id}/check-ins",
    summary="The coach sets the engagement's check-in scales, from the shipped set or their own",
    response=ref("CheckIns"),
    role="coach",
    body=ref("CheckInScalesInput"),
)
def check_ins_set(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    engagement = get_engagement_for_user(user, id)
    payload = json_body(request)
    unknown = {name: "Not a field of this request." for name in payload if name not in ("keys", "own", "library")}
    keys, own, library = payload.get("keys", []), payload.get("own", []), payload.get("library", [])
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        unknown["keys"] = "A list of texts."
    if not isinstance(own, list):
        unknown["own"] = "A list of scales."
    if not isinstance(library, list) or not all(type(pk) is int for pk in library):
        unknown["library"] = "A list of scale ids."
    if unknown:
        raise ApiError(400, FIELDS_MESSAGE, unknown)
    chosen_own = [_texts(item, ("question", "low_label", "high_label")) for item in own]
    services.check_in_scales_set(
        engagement=engagement,
        by=user,
        keys=keys,
        own=chosen_own,  # type: ignore[arg-type]
        library=library,
    )
    return serialise.engagement_check_ins(engagement)


@router.get(
    "/check-in-scales",
    summary="The coach's check-in library: their own scales and those shared in their practice",
    description="One of each question and labels. Add one to an engagement with "
    "PUT /engagements/{id}/check-ins (`library`).",
    response=obj({"results": array(ref("LibraryCheckInScale"))}),
    role="coach",
)
def check_in_library(request: HttpRequest) -> dict[str, Any]:
    user = signed_in(request)
    require_is_coach(user)
    scales = CheckInScale.objects.visible_to(user).library()
    return {"results": [serialise.library_scale(scale, viewer=user) for scale in scales]}


@router.get(
    "/check-in-scales/{id}",
    summary="One scale of the coach's library",
    response=ref("LibraryCheckInScale"),
    role="coach",
)
def check_in_scale_detail(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    require_is_coach(user)
    return serialise.library_scale(get_check_in_scale_for_user(user, id), viewer=user)


def _share(request: HttpRequest, id: str, *, shared: bool) -> dict[str, Any]:
    user = signed_in(request)
    require_is_coach(user)
    scale = services.check_in_scale_share(scale=get_check_in_scale_for_user(user, id), by=user, shared=shared)
    return serialise.library_scale(scale, viewer=user)


@router.post(
    "/check-in-scales/{id}/share",
    summary="Share a scale of your own making with your practice: its other coaches can add it",
    description="A colleague's shared scale is theirs to share: 403.",
    response=ref("LibraryCheckInScale"),
    role="coach",
)
def check_in_scale_share(request: HttpRequest, id: str) -> dict[str, Any]:
    return _share(request, id, shared=True)


@router.post(
    "/check-in-scales/{id}/unshare",
    summary="Stop sharing your scale; engagements that already have it keep it",
    response=ref("LibraryCheckInScale"),
    role="coach",
)
def check_in_scale_unshare(request: HttpRequest, id: str) -> dict[str, Any]:
    return _share(request, id, shared=False)


@router.put(
    "/sessions/{id}/check-ins",
    summary="The client answers the check-ins before a session (0–10; null clears one)",
    description="Open as long as the reflection is: until the session starts (409 after).",
    response=ref("CheckIns"),
    role="client",
    body=ref("CheckInAnswersInput"),
)
def check_ins_answer(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    session = get_session_for_user(user, id)
    payload = json_body(request)
    answers = payload.get("answers")
    if set(payload) - {"answers"} or not isinstance(answers, list):
        raise ApiError(400, FIELDS_MESSAGE, {"answers": "A list of {scale, value}."})
    values: dict[int, Any] = {}
    for item in answers:
        if (
            not isinstance(item, dict)
            or set(item) != {"scale", "value"}
            or not isinstance(item["scale"], int)
            or isinstance(item["scale"], bool)
        ):
            raise ApiError(400, FIELDS_MESSAGE, {"answers": "Each is {scale: id, value: 0–10 or null}."})
        values[item["scale"]] = item["value"]
    services.check_in_answer(session=session, by=user, values=values)
    return serialise.engagement_check_ins(session.engagement)


@router.post(
    "/homework/{id}/steps",
    summary="Turn one strategy of a Possible Selves or Thinking Creatively answer into a homework proposal",
    description="The step is linked back to the self it serves; the same strategy twice gives the same step.",
    response=ref("StepCreated"),
    status=201,
    body=ref("StepInput"),
)
def step_create(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    source = get_homework_for_user(user, id)
    payload = json_body(request)
    anchor_at, strategy_at = payload.get("anchor"), payload.get("strategy")
    if set(payload) - {"anchor", "strategy"} or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in (anchor_at, strategy_at)
    ):
        raise ApiError(400, FIELDS_MESSAGE, {"anchor": "anchor and strategy: positions, whole numbers from 0."})
    anchors = steps.source_anchors([source]).get(source.pk, [])
    try:
        anchor = anchors[anchor_at]  # type: ignore[index]
        strategy = anchor.strategies[strategy_at]  # type: ignore[index]
    except IndexError:
        raise Http404("No such strategy.") from None
    homework = services.step_propose(
        source=source, by=user, self_text=anchor.text, self_kind=anchor.kind, strategy=strategy.text
    )
    return {"homework": homework_json.homework(homework), "step": serialise.step(Step.objects.get(homework=homework))}
