"""The homework loop: wrap-up, confirmation, progress, review and carry-over.

Each function is called from both the pages and the API, so the rules live here once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from legwork.coaching.models import AgendaItem, Engagement, Goal, Session
from legwork.coaching.services import session_schedule
from legwork.lib.dates import plan_problem, window_problem
from legwork.lib.rules import RuleBroken

from .models import Decision, Homework, Outcome, ProgressEntry
from .signals import homework_change_requested, homework_confirmed, homework_proposed, progress_logged

if TYPE_CHECKING:
    from legwork.accounts.models import User

DEFAULT_INTERVAL = dt.timedelta(days=14)


class AlreadyReviewed(Exception):
    """The homework has its outcome already (a second tab, a double click): nothing was changed."""


@dataclass
class HomeworkDraft:
    """What the wrap-up form collects for one homework."""

    title: str
    purpose: str
    goal: Goal | None = None
    first_step: str = ""
    plan_when: str = ""
    plan_where: str = ""
    due_on: dt.date | None = None


def default_due_on(engagement: Engagement, next_session: Session | None = None) -> dt.date:
    """The next session's date in the client's own zone, else two weeks from today.

    A next session stored outside the plan window (before the window existed) is no default: two weeks it is.
    """
    next_session = next_session or engagement.next_session()
    zone = engagement.client.zone
    if next_session is not None and not plan_problem(next_session.scheduled_at):
        return next_session.scheduled_at.astimezone(zone).date()
    return (timezone.now().astimezone(zone) + DEFAULT_INTERVAL).date()


def _check_due_on(due_on: dt.date | None) -> None:
    if due_on is not None and (problem := plan_problem(due_on)):
        raise RuleBroken(problem, field="due_on")


def homework_propose(
    *,
    engagement: Engagement,
    draft: HomeworkDraft,
    by: User,
    agreed_in: Session | None = None,
    carried_from: Homework | None = None,
) -> Homework:
    _check_due_on(draft.due_on)
    homework = Homework.objects.create(
        engagement=engagement,
        agreed_in=agreed_in,
        goal=draft.goal,
        title=draft.title,
        purpose=draft.purpose,
        first_step=draft.first_step,
        plan_when=draft.plan_when,
        plan_where=draft.plan_where,
        due_on=draft.due_on or default_due_on(engagement),
        created_by=by,
        carried_from=carried_from,
    )
    transaction.on_commit(lambda: homework_proposed.send(sender=Homework, homework=homework, by=by))
    return homework


def session_wrap_up(
    *, session: Session, drafts: list[HomeworkDraft], next_session_at: dt.datetime | None, by: User
) -> tuple[Session | None, list[Homework]]:
    """End a session: it is held, the next one is set, and the interval's homework is proposed."""
    with transaction.atomic():
        if session.status != Session.Status.HELD:
            session.mark(Session.Status.HELD)
        next_session = None
        if next_session_at is not None:
            next_session = (
                Session.objects.scheduled().filter(engagement=session.engagement, scheduled_at=next_session_at).first()
            ) or session_schedule(engagement=session.engagement, scheduled_at=next_session_at, by=by)
        else:
            next_session = session.following()
        due_default = default_due_on(session.engagement, next_session)
        created = []
        for draft in drafts:
            draft.due_on = draft.due_on or due_default
            created.append(homework_propose(engagement=session.engagement, draft=draft, by=by, agreed_in=session))
    return next_session, created


def homework_confirm(*, homework: Homework, by: User) -> None:
    """The client says "I'm in"."""
    homework.confirm()
    transaction.on_commit(lambda: homework_confirmed.send(sender=Homework, homework=homework, by=by))


def homework_request_change(*, homework: Homework, note: str, by: User) -> None:
    homework.request_change(note)
    transaction.on_commit(lambda: homework_change_requested.send(sender=Homework, homework=homework, by=by))


def homework_update(*, homework: Homework, draft: HomeworkDraft, by: User) -> None:
    """Change the homework's words or plan. A change the coach makes goes back to the client to confirm.

    No due date in the draft keeps the one it has.
    """
    if draft.due_on != homework.due_on:
        _check_due_on(draft.due_on)
    homework.title = draft.title
    homework.purpose = draft.purpose
    homework.goal = draft.goal
    homework.first_step = draft.first_step
    homework.plan_when = draft.plan_when
    homework.plan_where = draft.plan_where
    # A form bound to the homework may have emptied it already: then the default, never a NULL.
    homework.due_on = draft.due_on or homework.due_on or default_due_on(homework.engagement)
    fields = ["title", "purpose", "goal", "first_step", "plan_when", "plan_where", "due_on"]
    if homework.engagement.is_coach(by):
        homework.status = Homework.Status.PROPOSED
        fields.append("status")
    homework.save(update_fields=fields)
    if homework.engagement.is_coach(by):
        transaction.on_commit(lambda: homework_proposed.send(sender=Homework, homework=homework, by=by))


def progress_log(
    *,
    homework: Homework,
    by: User,
    occurred_on: dt.date | None = None,
    note: str = "",
    minutes: int | None = None,
    answers: dict | None = None,
) -> ProgressEntry:
    """Record work on a homework. The server stamps when it was written."""
    now = timezone.now()
    if occurred_on is not None:
        if problem := window_problem(occurred_on, high=now.astimezone(by.zone).date()):
            raise RuleBroken(problem, field="occurred_on")
    entry = ProgressEntry.objects.create(
        homework=homework,
        author=by,
        note=note,
        minutes=minutes,
        occurred_on=occurred_on or now.astimezone(by.zone).date(),
        written_at=now,
        answers=answers,
    )
    transaction.on_commit(lambda: progress_logged.send(sender=ProgressEntry, entry=entry, by=by))
    return entry


def _raise_to_explore(engagement: Engagement, homework: Homework, text: str) -> AgendaItem | None:
    chain_ids = [item.pk for item in homework.carry_over_chain()]
    already = AgendaItem.objects.open().filter(
        engagement=engagement, kind=AgendaItem.Kind.TO_EXPLORE, homework_id__in=chain_ids
    )
    if already.exists():
        return None
    return AgendaItem.objects.create(
        engagement=engagement, kind=AgendaItem.Kind.TO_EXPLORE, text=text, homework=homework
    )


def homework_review(
    *,
    homework: Homework,
    session: Session | None,
    outcome: str,
    by: User,
    reason: str = "",
    decision: str = "",
    note: str = "",
) -> Homework | None:
    """Give a homework its outcome at the session; carry it over if so decided.

    Returns the carried-over homework, if one was made. A homework carried over
    twice, or not done twice for the same reason, is raised "to explore" on the
    next session's agenda.
    """
    with transaction.atomic():
        # Lock the row and re-check, so two tabs reviewing at once make one outcome and one carry-over.
        if not Homework.objects.select_for_update().filter(pk=homework.pk, outcome="").exists():
            raise AlreadyReviewed(homework.title)
        homework.record_outcome(outcome=outcome, reason=reason, decision=decision, note=note, session=session)
        carried = None
        if homework.decision in (Decision.CARRY_OVER, Decision.CHANGE):
            # Both take the work into the new interval as a linked homework; "change" is then
            # edited together, and goes back to the client to confirm like any proposal.
            draft = HomeworkDraft(
                title=homework.title,
                purpose=homework.purpose,
                goal=homework.goal,
                first_step=homework.first_step,
                plan_when=homework.plan_when,
                plan_where=homework.plan_where,
            )
            carried = homework_propose(
                engagement=homework.engagement, draft=draft, by=by, agreed_in=session, carried_from=homework
            )
        _raise_if_keeps_not_happening(homework, carried)
    return carried


def _raise_if_keeps_not_happening(homework: Homework, carried: Homework | None) -> None:
    """Carried over twice, or not done twice for the same reason: raise it "to explore", once."""
    chain = homework.carry_over_chain()
    times_carried = sum(1 for item in chain if item.decision == Decision.CARRY_OVER)
    same_reason = [
        item
        for item in chain
        if item.outcome == Outcome.NOT_DONE and homework.reason and item.reason == homework.reason
    ]
    anchor = carried or homework
    if times_carried >= 2:
        _raise_to_explore(
            homework.engagement, anchor, f"“{homework.title}” has been carried over {times_carried} times"
        )
    elif len(same_reason) >= 2:
        _raise_to_explore(
            homework.engagement,
            anchor,
            f"“{homework.title}” not done {len(same_reason)} times: {homework.get_reason_display().lower()}",
        )
