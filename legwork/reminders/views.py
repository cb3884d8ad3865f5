from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from legwork.accounts.models import User
from legwork.lib.http import AuthedHttpRequest
from legwork.lib.rules import RuleBroken

from .access import get_reminder_for_user
from .feeds import feed_calendar
from .forms import FeedForm, PreferencesForm
from .models import CalendarFeed, Reminder, hash_feed_token, preferences_for
from .services import feed_regenerate, preferences_save, user_for_unsubscribe_token

INBOX_SIZE = 100


@login_required
def inbox(request: AuthedHttpRequest) -> HttpResponse:
    reminders = list(Reminder.objects.visible_to(request.user).in_inbox()[:INBOX_SIZE])
    failed = [r for r in reminders if r.status == Reminder.Status.FAILED and r.read_at is None]
    return render(request, "reminders/inbox.html", {"reminders": reminders, "failed": failed})


@login_required
@require_POST
def inbox_read(request: AuthedHttpRequest) -> HttpResponse:
    Reminder.objects.visible_to(request.user).in_inbox().filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("reminders_inbox")


@login_required
def reminder_open(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    reminder = get_reminder_for_user(request.user, pk)
    reminder.mark_read()
    # Links are paths Legwork made itself; anything else goes back to the inbox.
    target = reminder.link if reminder.link.startswith("/") and not reminder.link.startswith("//") else None
    return redirect(target or "reminders_inbox")


@login_required
def preferences(request: AuthedHttpRequest) -> HttpResponse:
    prefs = preferences_for(request.user)
    old_hour = prefs.hour
    form = PreferencesForm(
        request.POST or None,
        instance=prefs,
        is_coach=request.user.is_coach,
        is_client=request.user.client_engagements.exists() or not request.user.is_coach,
    )
    if request.method == "POST" and form.is_valid():
        preferences_save(prefs=form.save(commit=False), old_hour=old_hour)
        messages.success(request, "Saved. Reminders follow your new preferences from now on.")
        return redirect("reminders_preferences")
    return render(request, "reminders/preferences.html", {"form": form}, status=400 if form.errors else 200)


@csrf_exempt  # RFC 8058 one-click unsubscribe: the mail client POSTs without a session or CSRF token.
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user_id = user_for_unsubscribe_token(token)
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    if user is None:
        raise Http404("No such link.")
    done = False
    if request.method == "POST":
        prefs = preferences_for(user)
        prefs.email_on = False
        prefs.save(update_fields=["email_on"])
        done = True
    return render(request, "reminders/unsubscribe.html", {"person": user, "done": done})


# The new feed address waits in the session between the POST that makes it and the page that shows
# it (post/redirect/get): it is shown once, then gone, and a reload never makes another.
NEW_FEED_URL = "reminders.new_feed_url"


@login_required
def feed_settings(request: AuthedHttpRequest) -> HttpResponse:
    feed = CalendarFeed.objects.filter(user=request.user).first()
    form = FeedForm(request.POST or None, instance=feed or CalendarFeed(user=request.user))
    if request.method == "POST" and feed is not None and form.is_valid():
        form.save()
        messages.success(request, "Saved. Calendars pick this up at their next refresh.")
        return redirect("calendar_feed")
    new_url = request.session.pop(NEW_FEED_URL, None) if request.method == "GET" else None
    return render(
        request,
        "reminders/feed.html",
        {"feed": feed, "form": form, "new_url": new_url},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def feed_new_url(request: AuthedHttpRequest) -> HttpResponse:
    try:
        token = feed_regenerate(user=request.user, replace=request.POST.get("replace") == "yes")
    except RuleBroken as error:
        messages.error(request, error.message)
        return redirect("calendar_feed")
    request.session[NEW_FEED_URL] = request.build_absolute_uri(reverse("calendar_feed_ics", args=[token]))
    return redirect("calendar_feed")


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret feed: anyone with the URL may read it, so a wrong token looks like nothing at all (404)."""
    found = CalendarFeed.objects.filter(token_hash=hash_feed_token(token)).select_related("user").first()
    if found is None or not found.matches(token) or not found.user.is_active:
        raise Http404("No such feed.")
    body = feed_calendar(found.user, show_titles=found.show_titles)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
