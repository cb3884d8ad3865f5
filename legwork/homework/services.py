"""The homework loop: wrap-up, confirmation, progress, review and carry-over.

Each function is called from both the pages and the API, so the rules live here once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from legwork.coaching.models import AgendaItem, Engagement, Goal, Session
from legwork.coaching.services import session_schedule
from legwork.lib.dates import plan_problem, window_problem
from legwork.lib.rules import RuleBroken

from .models import CARRYING_DECISIONS, Homework, Outcome, ProgressEntry, carry_over_counts
from .signals import (
    homework_change_requested,
    homework_confirmed,
    homework_proposed,
    homework_reviewed,
    progress_logged,
)

if TYPE_CHECKING:
    from legwork.accounts.models import User

DEFAULT_INTERVAL = dt.timedelta(days=14)
# How long a wrap-up form's once-only key is remembered: longer than anyone keeps a session page open.
WRAP_UP_ONCE_SECONDS = 6 * 60 * 60


class AlreadyReviewed(RuleBroken):
    """The homework has its outcome already (a second tab, a double click): nothing was changed."""

    def __init__(self, title: str) -> None:
        super().__init__(f"“{title}” has its outcome already.", conflict=True)


class AlreadyWrappedUp(RuleBroken):
    """The same wrap-up form arrived twice (a double click, a resent form): it was saved the first time."""

    def __init__(self) -> None:
        super().__init__("That wrap-up was saved already.", conflict=True)


def require_started(session: Session, now: dt.datetime | None = None) -> None:
    """A session is reviewed and wrapped up once its start time has come (`Session.has_started`), never before."""
    if not session.has_started(now):
        when = timezone.localtime(session.scheduled_at)
        raise RuleBroken(
            f"This session starts {when:%a %d %b at %H:%M}: review and wrap it up once it has started.",
            conflict=True,
        )


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


def due_after(session: Session) -> dt.date:
    """When homework agreed at `session` is due: the session after it, in the client's zone.

    Until that session is set, the time the wrap-up suggests for it (two weeks on); the wrap-up
    moves homework still due then to the session it sets.
    """
    following = session.following()
    if following is None:
        return _suggested_due(session)
    return following.scheduled_at.astimezone(session.engagement.client.zone).date()


def _suggested_due(session: Session) -> dt.date:
    return session.suggested_next_at().astimezone(session.engagement.client.zone).date()


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
    *,
    session: Session,
    drafts: list[HomeworkDraft],
    next_session_at: dt.datetime | None,
    by: User,
    once: str = "",
) -> tuple[Session | None, list[Homework]]:
    """End a session: it is held, the next one is set, and the interval's homework is proposed.

    Only once the session has started. `once` is the form's once-only key: the same key a second
    time raises `AlreadyWrappedUp` and saves nothing (it is stored in the same transaction, so a
    wrap-up that fails can be sent again).
    """
    require_started(session)
    with transaction.atomic():
        if once and not cache.add(f"wrap-up:{session.pk}:{once[:64]}", True, timeout=WRAP_UP_ONCE_SECONDS):
            raise AlreadyWrappedUp()
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
        if next_session is not None:
            # Homework carried over at this session's review waited for the next session to be set.
            Homework.objects.open().filter(
                agreed_in=session, carried_from__isnull=False, due_on=_suggested_due(session)
            ).exclude(due_on=due_default).update(due_on=due_default)
        created = []
        for draft in drafts:
            draft.due_on = draft.due_on or due_default
            created.append(homework_propose(engagement=session.engagement, draft=draft, by=by, agreed_in=session))
    return next_session, created


def homework_confirm(*, homework: Homework, by: User) -> bool:
    """The client says "I'm in". Idempotent: saying it again is accepted, changes nothing and tells the coach
    nothing new. Returns whether this call confirmed it. Reviewed homework can't be confirmed (RuleBroken)."""
    confirmed = homework.confirm()
    if confirmed:
        transaction.on_commit(lambda: homework_confirmed.send(sender=Homework, homework=homework, by=by))
    return confirmed


def homework_request_change(*, homework: Homework, note: str, by: User) -> None:
    homework.request_change(note)
    transaction.on_commit(lambda: homework_change_requested.send(sender=Homework, homework=homework, by=by))


def homework_update(*, homework: Homework, draft: HomeworkDraft, by: User) -> None:
    """Change the homework's words or plan. A change the coach makes goes back to the client to confirm.

    No due date in the draft keeps the one it has.
    """
    homework.require_open()
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


# How long an entry written offline may wait on the device and keep the time it was written:
# a week without signal is a long trip; older ones are stamped a week back at most.
OFFLINE_WINDOW = dt.timedelta(days=7)


def written_at_bounds(homework: Homework, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The earliest and latest `written_at` an entry sent now may keep: not before the homework
    was agreed, not more than OFFLINE_WINDOW ago, and not after now."""
    return max(homework.created_at, now - OFFLINE_WINDOW), now


def progress_log(
    *,
    homework: Homework,
    by: User,
    occurred_on: dt.date | None = None,
    note: str = "",
    minutes: int | None = None,
    answers: dict[str, Any] | None = None,
    written_at: dt.datetime | None = None,
) -> ProgressEntry:
    """Record work on a homework. The server stamps when it was written.

    Only on open homework, and about a day between the day it was agreed and today, both in the
    writer's own zone (RuleBroken, field "occurred_on", otherwise). `written_at` is the device's
    clock for an entry written offline and sent later (the phone app); it is kept within
    `written_at_bounds`, so a device's clock can neither date an entry ahead nor backdate it.
    """
    homework.require_open()
    now = received_at = timezone.now()
    if written_at is not None:
        low, high = written_at_bounds(homework, now)
        now = min(max(written_at, low), high)
    today = now.astimezone(by.zone).date()
    occurred_on = occurred_on or today
    if problem := window_problem(occurred_on, high=today):
        raise RuleBroken(problem, field="occurred_on")
    agreed_on = homework.created_at.astimezone(by.zone).date()
    if occurred_on < agreed_on:
        raise RuleBroken(
            f"This homework was agreed on {agreed_on:%a %d %b}: log work done since then.", field="occurred_on"
        )
    entry = ProgressEntry.objects.create(
        homework=homework,
        author=by,
        note=note,
        minutes=minutes,
        occurred_on=occurred_on,
        written_at=now,
        received_at=received_at if written_at is not None else None,
        answers=answers,
    )
    transaction.on_commit(lambda: progress_logged.send(sender=ProgressEntry, entry=entry, by=by))
    return entry


def _raise_to_explore(engagement: Engagement, homework: Homework, text: str) -> AgendaItem | None:
    """One open "to explore" point per carry-over chain. If one is open already, it is kept true (the
    newest homework, the count as it stands now) instead of raised a second time."""
    chain_ids = [item.pk for item in homework.carry_over_chain()]
    already = (
        AgendaItem.objects.open()
        .filter(engagement=engagement, kind=AgendaItem.Kind.TO_EXPLORE, homework_id__in=chain_ids)
        .first()
    )
    if already is not None:
        already.text, already.homework = text, homework
        already.save(update_fields=["text", "homework"])
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

    Returns the carried-over homework, if one was made: it belongs to the new interval,
    due at the session after this one (`due_after`). A homework carried over twice, or not
    done twice for the same reason, is raised "to explore" on the next session's agenda.
    Only once the session has started.
    """
    if session is not None:
        require_started(session)
    with transaction.atomic():
        # Lock the row and re-check, so two tabs reviewing at once make one outcome and one carry-over.
        if not Homework.objects.select_for_update().filter(pk=homework.pk, outcome="").exists():
            raise AlreadyReviewed(homework.title)
        homework.record_outcome(outcome=outcome, reason=reason, decision=decision, note=note, session=session)
        carried = None
        if homework.decision in CARRYING_DECISIONS:
            # Both take the work into the new interval as a linked homework; "change" is then
            # edited together, and goes back to the client to confirm like any proposal.
            draft = HomeworkDraft(
                title=homework.title,
                purpose=homework.purpose,
                goal=homework.goal,
                first_step=homework.first_step,
                plan_when=homework.plan_when,
                plan_where=homework.plan_where,
                due_on=due_after(session) if session is not None else None,
            )
            carried = homework_propose(
                engagement=homework.engagement, draft=draft, by=by, agreed_in=session, carried_from=homework
            )
        raise_if_keeps_not_happening(homework, carried)
        transaction.on_commit(
            lambda: homework_reviewed.send(sender=Homework, homework=homework, session=session, by=by)
        )
    return carried


def raise_if_keeps_not_happening(
    homework: Homework, carried: Homework | None = None, *, now: dt.datetime | None = None
) -> AgendaItem | None:
    """Carried over twice, or not done twice for the same reason: raise it "to explore", once.

    `homework` has just been reviewed; `carried` is the homework its work went on as, if any.
    The count is `Homework.times_carried_over`, the one every page shows. `now` dates the
    point (the demo writes its history with past dates).
    """
    anchor = carried or homework
    chain = anchor.carry_over_chain()
    times_carried = carry_over_counts(chain)[anchor.pk]
    same_reason = [
        item
        for item in chain
        if item.outcome == Outcome.NOT_DONE and homework.reason and item.reason == homework.reason
    ]
    item = None
    if times_carried >= 2:
        item = _raise_to_explore(
            homework.engagement, anchor, f"“{homework.title}” has been carried over {times_carried} times"
        )
    elif len(same_reason) >= 2:
        item = _raise_to_explore(
            homework.engagement,
            anchor,
            f"“{homework.title}” not done {len(same_reason)} times: {homework.get_reason_display().lower()}",
        )
    if item is not None and now is not None:
        item.raised_at = now
        item.save(update_fields=["raised_at"])
    return item
