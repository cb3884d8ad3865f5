"""Reply by email: each thread email's signed per-recipient reply address, and reading the replies.

The address is plus-addressing on one mailbox, `replies+<token>@example.org`, where the token
names the person and the homework, when it was made, and an HMAC of the three under the site's
secret (`django.core.signing.salted_hmac`). A reply is posted as that person only when the token
is genuine, younger than `REPLY_MAX_AGE_DAYS`, and the email comes from that person's own address;
otherwise the sender is told why and nothing is posted.

The worker reads the mailbox over IMAP (`replies_poll`). A message is deleted from the mailbox only
after it was handled (posted, found posted already, or refused and answered); if the database or
the IMAP server fails on the way, the message stays and is read again next time. A reply posts once:
its Message-ID is unique on the thread message.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import hmac
import imaplib
import logging
import re
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr
from typing import TYPE_CHECKING

import nh3
from django.conf import settings
from django.core.mail import EmailMessage as DjangoEmail
from django.utils.crypto import salted_hmac

from legwork.homework.models import Homework
from legwork.lib.rules import RuleBroken
from legwork.lib.text import one_line

if TYPE_CHECKING:
    from legwork.accounts.models import User

logger = logging.getLogger("legwork.conversation")

SALT = "legwork.conversation.reply"
TOKEN = re.compile(r"^(?P<user>\d+)-(?P<homework>\d+)-(?P<issued>[0-9a-z]+)-(?P<mac>[0-9a-f]{20})$")


def _mac(user_pk: int, homework_pk: int, issued: str) -> str:
    return salted_hmac(SALT, f"{user_pk}-{homework_pk}-{issued}", algorithm="sha256").hexdigest()[:20]


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if number == 0:
            return out


def reply_token(user: User, homework: Homework, *, now: float | None = None) -> str:
    issued = _base36(int(now if now is not None else time.time()))
    return f"{user.pk}-{homework.pk}-{issued}-{_mac(user.pk, homework.pk, issued)}"


def reply_address(user: User, homework: Homework) -> str:
    """The address `user`'s replies about `homework` go to; empty when reply by email is not set up."""
    mailbox = settings.REPLY_ADDRESS
    if not mailbox or "@" not in mailbox:
        return ""
    local, domain = mailbox.rsplit("@", 1)
    return f"{local}+{reply_token(user, homework)}@{domain}"


@dataclass(frozen=True)
class Outcome:
    posted: bool
    reason: str = ""  # why it was refused, as the sender is told


def _token_of(address: str) -> str | None:
    local = address.rsplit("@", 1)[0]
    return local.split("+", 1)[1] if "+" in local else None


def check_token(token: str, *, sender: str, now: float | None = None) -> tuple[User, Homework]:
    """The person and homework a reply address names, if it is genuine, fresh and the sender's own."""
    from legwork.accounts.models import User

    match = TOKEN.match(token.lower())
    if match is None or not hmac.compare_digest(
        _mac(int(match["user"]), int(match["homework"]), match["issued"]), match["mac"]
    ):
        raise RuleBroken("The address you replied to is not one Legwork made, so your reply was not posted.")
    age = (now if now is not None else time.time()) - int(match["issued"], 36)
    if age > settings.REPLY_MAX_AGE_DAYS * 86400:
        raise RuleBroken(
            "The address you replied to has expired, so your reply was not posted. Answer on the homework's page."
        )
    user = User.objects.filter(pk=int(match["user"])).first()
    homework = Homework.objects.select_related("engagement__coach", "engagement__client").filter(
        pk=int(match["homework"])
    )
    found = homework.first()
    if user is None or found is None:
        raise RuleBroken("That conversation no longer exists, so your reply was not posted.")
    if user.email.lower() != sender.lower():
        raise RuleBroken(
            "You replied to an address made for someone else, so your reply was not posted. "
            "Each person answers from their own email."
        )
    return user, found


QUOTE_HEADER = re.compile(
    r"^(On .{1,300} wrote:|Le .{1,300} a écrit :|Am .{1,300} schrieb .{0,100}:|-{2,} ?Original Message ?-{2,}|"
    r"-{2,} ?Forwarded message ?-{2,}|From: .+|Sent from my \w+.*|_{10,})\s*$",
    re.IGNORECASE,
)


def reply_text(message: EmailMessage) -> str:
    """The new words of a reply: the plain-text part (or the HTML one, as text), without the quoted
    email below it and without the signature ("-- " and what follows)."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_type() == "text/html":
        content = re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", content)
        content = nh3.clean(content, tags=set())
        content = content.replace("&nbsp;", " ").replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&")
    kept: list[str] = []
    for line in content.replace("\r\n", "\n").split("\n"):
        if line.rstrip() in ("--", "-- ") or QUOTE_HEADER.match(line.strip()):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


def _is_automatic(message: EmailMessage) -> bool:
    """An auto-reply or a bounce: answering it would start a mail loop."""
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    return (
        auto != "no"
        or bool(message.get("X-Autoreply"))
        or str(message.get("Precedence", "")).lower()
        in (
            "bulk",
            "junk",
            "auto_reply",
        )
    )


def reply_receive(raw: bytes) -> Outcome:
    """Handle one email from the reply mailbox: post it to its thread, or refuse it and tell the sender.

    Idempotent: the same email (by Message-ID) posts once however often it is read.
    """
    from .services import thread_post

    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    sender = parseaddr(str(message.get("From", "")))[1]
    message_id = str(message.get("Message-ID", "")).strip()
    recipients = [parseaddr(str(a))[1] for a in message.get_all("To", []) + message.get_all("Delivered-To", [])]
    token = next((t for a in recipients if (t := _token_of(a))), None)
    if _is_automatic(message) or not sender:
        return Outcome(False, "automatic")
    try:
        if token is None:
            raise RuleBroken("Your email was not a reply to a Legwork conversation, so it was not posted.")
        if not message_id:
            raise RuleBroken("Your email had no Message-ID, so it could not be posted safely.")
        user, homework = check_token(token, sender=sender)
        body = reply_text(message)
        if not body:
            raise RuleBroken("Your reply had no words of its own (only the quoted email), so nothing was posted.")
        thread_post(homework=homework, by=user, body=body, email_message_id=message_id[:300])
    except RuleBroken as error:
        _tell_sender(sender, str(message.get("Subject", "")), error.message, message_id)
        return Outcome(False, error.message)
    return Outcome(True)


def _tell_sender(sender: str, subject: str, reason: str, message_id: str) -> None:
    body = (
        f"{reason}\n\nNothing you write is lost: your email is below in your own sent mail, "
        f"and you can answer on {settings.SITE_NAME}: {settings.SITE_ROOT}\n"
    )
    headers = {"Auto-Submitted": "auto-replied"}
    if message_id:
        headers["In-Reply-To"] = message_id
    DjangoEmail(subject=one_line(f"Not posted: {subject}")[:200], body=body, to=[sender], headers=headers).send()


def replies_poll(*, batch: int = 50) -> int:
    """Read the reply mailbox once: handle each message and delete it once handled. Returns how many.

    A message is deleted only after its outcome is saved (posted, already posted, refused and answered);
    an error on the way leaves it in the mailbox for the next poll. A mailbox that cannot be reached
    raises, and the worker tries again later: the server keeps the mail meanwhile.
    """
    if not settings.IMAP_HOST:
        return 0
    client_class = imaplib.IMAP4_SSL if settings.IMAP_SSL else imaplib.IMAP4
    client = client_class(settings.IMAP_HOST, settings.IMAP_PORT, timeout=settings.IMAP_TIMEOUT)
    handled = 0
    try:
        client.login(settings.IMAP_USER, settings.IMAP_PASSWORD)
        client.select(settings.IMAP_MAILBOX)
        status, data = client.uid("SEARCH", "UNDELETED")
        uids = data[0].split()[:batch] if status == "OK" and data and data[0] else []
        for uid in uids:
            status, parts = client.uid("FETCH", uid.decode(), "(BODY.PEEK[])")
            raw = next((p[1] for p in parts if isinstance(p, tuple)), None)
            if status != "OK" or not isinstance(raw, bytes):
                continue
            try:
                outcome = reply_receive(raw)
            except Exception:
                # The database or the SMTP server is down: keep the message, read it again next time.
                logger.exception("A reply could not be handled; it stays in the mailbox")
                continue
            logger.info("Reply %s: %s", "posted" if outcome.posted else "refused", outcome.reason or "ok")
            client.uid("STORE", uid.decode(), "+FLAGS", "(\\Deleted)")
            handled += 1
        if handled:
            client.expunge()
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()
    return handled
