"""Web Push, the reminders' second channel: devices turned on, the VAPID keys, and sending the outbox's push rows.

The decision to tell someone (preferences, quiet hours, the daily limit, the digest) is made once, in
dispatch.py; a reminder then gets one outbox row for the email and one per active device. A push row
is claimed, leased and marked exactly like an email (outbox.py); only the sending differs: an HTTPS
POST to the device's push service, signed with our VAPID key (RFC 8292) and encrypted with the
device's keys (aes128gcm, RFC 8291), so the push service can read neither title nor link.

A notification says what an email's subject says and links where the email links: no journal or
note bodies, and never a thread message's words.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from legwork.lib.rules import RuleBroken

from .delivery import DEFAULT_LEASE, SendPass, send_allowance, send_deadline
from .models import OutboxMessage, PushSubscription, Reminder, message_id_for
from .outbox import lease_left, outbox_claim, outbox_mark_failed, outbox_mark_sent, outbox_release, outbox_renew
from .text import one_line

if TYPE_CHECKING:
    from legwork.accounts.models import User

logger = logging.getLogger("legwork.reminders")

# A notification not delivered within a day is no longer worth showing: the push service may drop it then.
TTL = 24 * 3600
# Each VAPID token is good for this long (RFC 8292 allows at most a day).
TOKEN_LIFE = 3600
# The push service's answers that mean the subscription is gone for good: drop the device.
GONE = (404, 410)
# Browsers' push subscription keys: a P-256 point (65 bytes) and a 16-byte secret, each base64url.
P256DH_BYTES, AUTH_BYTES = 65, 16


def _b64decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _b64encode(value: bytes) -> str:
    return base64.urlsafe_b64encode(value).rstrip(b"=").decode()


@cache
def _vapid(private_key: str) -> Vapid:
    try:
        return Vapid.from_raw(private_key.encode())
    except Exception as error:  # py_vapid raises several kinds for a bad key
        raise ImproperlyConfigured(f"VAPID_PRIVATE_KEY is not a base64url P-256 private key: {error}") from None


def vapid() -> Vapid:
    """Our VAPID signer, from settings.VAPID_PRIVATE_KEY (generated into var/ unless set; see settings.py)."""
    return _vapid(settings.VAPID_PRIVATE_KEY)


def vapid_public_key() -> str:
    """The application server key a browser subscribes with: our public key's uncompressed point, base64url."""
    public = vapid().public_key
    assert isinstance(public, ec.EllipticCurvePublicKey)
    derived = _b64encode(public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))
    configured = settings.VAPID_PUBLIC_KEY
    if configured and configured.rstrip("=") != derived:
        raise ImproperlyConfigured("VAPID_PUBLIC_KEY is not the public half of VAPID_PRIVATE_KEY")
    return derived


def endpoint_allowed(endpoint: str) -> bool:
    """Only a known push service over HTTPS: the endpoint comes from a browser, and we POST to it."""
    parts = urlsplit(endpoint)
    if parts.scheme != "https" and not (parts.scheme == "http" and settings.PUSH_ALLOW_HTTP):
        return False
    host = (parts.hostname or "").lower()
    return any(host == service or host.endswith("." + service) for service in settings.PUSH_SERVICES)


def push_subscribe(
    *, user: User, endpoint: str, p256dh: str, auth: str, device: str = "", user_agent: str = "", session_key: str = ""
) -> PushSubscription:
    """Turn push on for one browser. The same endpoint again is the same device (its keys may be new).

    A browser has one push subscription whoever is signed in, so an endpoint turned on by someone
    else before is theirs no longer: their row is turned off, and only the person who turned it on
    last is told there.
    """
    endpoint = endpoint.strip()
    if len(endpoint) > 1000 or not endpoint_allowed(endpoint):
        raise RuleBroken("That is not a push service Legwork sends to.", field="endpoint")
    try:
        keys_ok = len(_b64decode(p256dh)) == P256DH_BYTES and len(_b64decode(auth)) == AUTH_BYTES
    except ValueError:
        keys_ok = False
    if not keys_ok:
        raise RuleBroken("The browser's push keys are not the right shape.", field="keys")
    now = timezone.now()
    with transaction.atomic():
        PushSubscription.objects.active().filter(endpoint=endpoint).exclude(user=user).update(revoked_at=now)
        subscription = PushSubscription.objects.active().filter(endpoint=endpoint, user=user).first()
        subscription = subscription or PushSubscription(user=user, endpoint=endpoint)
        subscription.p256dh, subscription.auth = p256dh, auth
        subscription.device, subscription.user_agent = device[:100], user_agent[:300]
        subscription.session_key = session_key[:64]
        subscription.save()
    return subscription


def push_revoke(*, subscription: PushSubscription) -> None:
    """Turn push off for one device; its notifications not sent yet are not sent (see `push_send`)."""
    PushSubscription.objects.filter(pk=subscription.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def push_revoke_for_session(*, session_key: str) -> int:
    """Signing out turns off the push this sign-in turned on: a shared browser stops being told."""
    if not session_key:
        return 0
    return PushSubscription.objects.active().filter(session_key=session_key).update(revoked_at=timezone.now())


def render_push(reminder: Reminder, subscription: PushSubscription) -> OutboxMessage:
    """The notification for a reminder on one device: its title and link, as an email's subject and link."""
    key = f"reminder:{reminder.pk}:push:{subscription.pk}"
    title = one_line(reminder.title or reminder.get_kind_display())
    link = reminder.link or reverse("reminders_inbox")
    payload = {"title": title, "link": link, "tag": f"reminder-{reminder.pk}"}
    return OutboxMessage(
        idempotency_key=key,
        message_id=message_id_for(key),
        reminder=reminder,
        channel=OutboxMessage.Channel.PUSH,
        push_subscription=subscription,
        to="",
        subject=title,
        text=json.dumps(payload),
        html="",
        headers={},
    )


def _send_one(message: OutboxMessage, subscription: PushSubscription, session: requests.Session) -> None:
    parts = urlsplit(subscription.endpoint)
    claims: dict[str, str | int] = {
        "sub": settings.VAPID_SUBJECT,
        "aud": f"{parts.scheme}://{parts.netloc}",
        "exp": int(time.time()) + TOKEN_LIFE,
    }
    webpush(
        subscription_info={
            "endpoint": subscription.endpoint,
            "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
        },
        data=message.text,
        vapid_private_key=vapid(),
        vapid_claims=claims,
        content_encoding="aes128gcm",
        # requests' timeout is per read: a push service is not a drip-feeding SMTP server, and the
        # lease keeps a margin of the whole deadline beyond it (send_allowance).
        timeout=send_deadline(),
        ttl=TTL,
        headers={"Urgency": "normal", "Topic": message.idempotency_key[-32:].replace(":", "-")},
        requests_session=session,
    )


def _status_of(error: WebPushException) -> int | None:
    response: Any = error.response
    return getattr(response, "status_code", None)


def push_send(
    *, worker: str, lease: dt.timedelta = DEFAULT_LEASE, batch: int = 50, stopping: Callable[[], bool] = lambda: False
) -> SendPass:
    """Claim a batch of push rows and send each to its push service.

    Sent: marked sent, and the device's last success noted. 404 or 410: the subscription is gone,
    so the device is dropped and the row fails for good. A device turned off since the row was
    queued gets nothing. Anything else (a 5xx, 429, a timeout, no connection) is tried again with
    the outbox's back-off, like an email.
    """
    messages = outbox_claim(
        worker=worker, now=timezone.now(), lease=lease, batch=batch, channel=OutboxMessage.Channel.PUSH
    )
    if not messages:
        return SendPass(0)
    ids = {m.push_subscription_id for m in messages if m.push_subscription_id is not None}
    devices = {s.pk: s for s in PushSubscription.objects.filter(pk__in=ids)}
    allowance = send_allowance()
    with requests.Session() as session:
        for index, message in enumerate(messages):
            if stopping():
                outbox_release(messages[index:])
                break
            now = timezone.now()
            if lease_left(message, now) < allowance and not outbox_renew(message, now, lease):
                logger.warning("Lease on push %s ran out; leaving it to whoever has it", message.message_id)
                continue
            device = devices.get(message.push_subscription_id or 0)
            if device is None or not device.is_active:
                outbox_mark_failed(message, now, "Push is turned off on that device", permanent=True)
                continue
            try:
                _send_one(message, device, session)
            except WebPushException as error:
                status = _status_of(error)
                gone = status in GONE
                logger.warning("Push %s failed (%s)%s", message.message_id, status, ": device dropped" if gone else "")
                if gone:
                    PushSubscription.objects.filter(pk=device.pk, dropped_at__isnull=True).update(
                        dropped_at=timezone.now(), last_error=f"The push service answered {status}"
                    )
                    device.dropped_at = timezone.now()
                outbox_mark_failed(message, timezone.now(), f"Push service answered {status}", permanent=gone)
                continue
            except (requests.RequestException, OSError) as error:
                logger.warning("Push %s failed: %r", message.message_id, error)
                outbox_mark_failed(message, timezone.now(), f"Could not reach the push service: {error!r}")
                continue
            if outbox_mark_sent(message, timezone.now()):
                PushSubscription.objects.filter(pk=device.pk).update(last_success_at=timezone.now(), last_error="")
    return SendPass(len(messages))
