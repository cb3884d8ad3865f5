"""A push service on loopback for tests, and a browser's side of a subscription: real VAPID, real aes128gcm.

The service takes each POST, checks its `Authorization: vapid t=…,k=…` token (ES256 signature, the
audience, the expiry) and answers by path: `/gone/…` 410, `/broken/…` 500, anything else 201. The
test decrypts what arrived with the subscription's private key and auth secret (http_ece), as the
browser would: nothing here is mocked.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def b64encode(value: bytes) -> str:
    return base64.urlsafe_b64encode(value).rstrip(b"=").decode()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    # What the service found of the VAPID token: its claims and the key it was signed with, or why not.
    claims: dict[str, Any] | None
    key: str
    problem: str = ""


def check_vapid(authorization: str) -> tuple[dict[str, Any] | None, str, str]:
    """The claims of a `vapid t=…,k=…` header whose ES256 signature verifies with k; else (None, k, why)."""
    if not authorization.startswith("vapid "):
        return None, "", f"not a vapid header: {authorization[:40]!r}"
    parts = dict(part.strip().split("=", 1) for part in authorization[len("vapid ") :].split(","))
    token, key = parts.get("t", ""), parts.get("k", "")
    try:
        header_b64, claims_b64, signature_b64 = token.split(".")
        header = json.loads(b64decode(header_b64))
        if header.get("alg") != "ES256":
            return None, key, f"alg {header.get('alg')}"
        signature = b64decode(signature_b64)
        r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64decode(key))
        public.verify(encode_dss_signature(r, s), f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except Exception as error:  # any flaw in the token is a refusal, and the test says which
        return None, key, f"bad token: {error!r}"
    return json.loads(b64decode(claims_b64)), key, ""


@dataclass
class PushService:
    server: ThreadingHTTPServer
    received: list[Received] = field(default_factory=list)

    @property
    def origin(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def at(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]


def start_push_service() -> PushService:
    received: list[Received] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            claims, key, problem = check_vapid(self.headers.get("Authorization", ""))
            if claims is not None:
                if claims.get("aud") != service.origin:
                    problem = f"aud {claims.get('aud')!r}"
                elif int(claims.get("exp", 0)) <= time.time():
                    problem = "expired token"
            headers = {name.lower(): value for name, value in self.headers.items()}
            received.append(Received(self.path, headers, body, claims, key, problem))
            if problem:
                status = 403
            elif self.path.startswith("/gone/"):
                status = 410
            elif self.path.startswith("/broken/"):
                status = 500
            else:
                status = 201
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # port 0: a free one
    service = PushService(server, received)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return service


def running_push_service() -> Iterator[PushService]:
    service = start_push_service()
    try:
        yield service
    finally:
        service.server.shutdown()
        service.server.server_close()


@dataclass
class Browser:
    """A browser's half of a push subscription: the private key and auth secret that decrypt its messages."""

    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64encode(point)

    @property
    def auth(self) -> str:
        return b64encode(self.auth_secret)

    def decrypt(self, body: bytes) -> dict[str, Any]:
        plain = http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm")
        payload: dict[str, Any] = json.loads(plain)
        return payload
