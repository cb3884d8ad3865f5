"""Items written offline, applied once: progress, a journal draft, thinking time marked."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.db import IntegrityError, transaction
from django.http import QueryDict

from legwork.homework import services as homework_services
from legwork.homework.access import get_homework_for_user
from legwork.homework.forms import ProgressForm
from legwork.lib.rules import RuleBroken
from legwork.notebook import services as notebook_services
from legwork.notebook.access import get_block_for_user
from legwork.notebook.forms import EntryForm, MarkForm

from .models import OfflineItem

if TYPE_CHECKING:
    from legwork.accounts.models import User


class Refused(Exception):
    """The item can never be applied as sent (a bad field, a rule of the loop): the device shows why."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def offline_item_apply(
    *, user: User, key: str, kind: str, target: int, fields: QueryDict, written_at: dt.datetime
) -> tuple[dict[str, Any], bool]:
    """Apply one item sent by a device, once: (its result, whether it was already applied).

    The first send applies it and keeps the result under (user, key); any later send of the same
    key answers that result and changes nothing. Raises Refused (nothing saved) for an item that
    cannot be applied, and Http404 for a target that is not the person's.
    """
    if done := OfflineItem.objects.filter(user=user, key=key).first():
        return done.result, True
    try:
        with transaction.atomic():
            result = _apply(user, kind, target, fields, written_at)
            OfflineItem.objects.create(user=user, key=key, kind=kind, written_at=written_at, result=result)
    except IntegrityError:
        # Two sends of one key at once: the other committed first, and its result is the answer.
        return OfflineItem.objects.get(user=user, key=key).result, True
    return result, False


def _errors(form: forms.BaseForm) -> dict[str, list[str]]:
    return {name: [str(message) for message in messages] for name, messages in form.errors.items()}


def _apply(user: User, kind: str, target: int, fields: QueryDict, written_at: dt.datetime) -> dict[str, Any]:
    if kind == OfflineItem.Kind.PROGRESS:
        homework = get_homework_for_user(user, target)
        if not homework.engagement.is_client(user):
            raise Refused({"__all__": ["Only the client logs progress on their homework."]})
        form = ProgressForm(fields, prefix=f"progress-{homework.pk}", today=written_at.astimezone(user.zone).date())
        if not form.is_valid():
            raise Refused(_errors(form))
        try:
            entry = homework_services.progress_log(
                homework=homework,
                by=user,
                note=form.cleaned_data["note"],
                minutes=form.cleaned_data["minutes"],
                occurred_on=form.cleaned_data["occurred_on"],
                written_at=written_at,
            )
        except RuleBroken as error:
            raise Refused({error.field or "__all__": [error.message]}) from None
        return {"kind": kind, "id": entry.pk, "homework": homework.pk, "written_at": entry.written_at.isoformat()}
    if kind == OfflineItem.Kind.DRAFT:
        # A draft written offline arrives as a private journal entry (never shared), not as the one
        # autosaved new-entry draft: that one may hold other words typed elsewhere since.
        entry_form = EntryForm(fields, client=user)
        if not entry_form.is_valid():
            raise Refused(_errors(entry_form))
        journal_entry = notebook_services.entry_save(
            client=user, entry=None, data=dict(entry_form.cleaned_data), written_at=written_at
        )
        return {"kind": kind, "id": journal_entry.pk, "written_at": journal_entry.created_at.isoformat()}
    if kind == OfflineItem.Kind.THINKING:
        block = get_block_for_user(user, target)
        mark_form = MarkForm(fields)
        if not mark_form.is_valid():
            raise Refused(_errors(mark_form))
        try:
            mark = notebook_services.occurrence_mark(
                block=block,
                starts_at=mark_form.cleaned_data["starts_at"].astimezone(dt.UTC),
                status=mark_form.cleaned_data["status"],
                note=mark_form.cleaned_data["note"],
                written_at=written_at,
            )
        except ValueError as error:
            raise Refused({"__all__": [str(error)]}) from None
        return {"kind": kind, "id": mark.pk, "status": mark.status}
    raise Refused({"kind": ["Not a kind of item this server takes."]})
