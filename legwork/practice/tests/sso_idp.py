"""Identity providers the single sign-on tests start themselves, each on a loopback port of its own.

`OIDCProvider`: a small OpenID Connect provider (discovery, authorize, token, jwks, userinfo) with
its own RSA key, signing ID tokens with PyJWT, checking the client's secret, the redirect address
and PKCE as a real one does. `SAMLIdP`: a SAML 2.0 identity provider built on pysaml2 (which signs
with Debian's xmlsec1), with a key and certificate made at test time.

Both play a person already signed in at the provider (`sign_in_as`), as a careers service's staff
are at their university's: the browser leg is one redirect there and one back. The OIDC provider can
also ask first (`sign_in_page=True`), as a university's sign-in page does: a form with the person's
address and a password, which the browser test fills in.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import secrets
import threading
import time
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


class _Server:
    """A ThreadingHTTPServer on 127.0.0.1, port 0, in a daemon thread; subclasses answer in `handle`."""

    def start(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, method: str) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                status, headers, content = owner.handle(method, parts.path, parse_qs(parts.query), body, self.headers)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def do_GET(self) -> None:
                self._answer("GET")

            def do_POST(self) -> None:
                self._answer("POST")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def handle(
        self, method: str, path: str, query: dict[str, list[str]], body: str, headers: Any
    ) -> tuple[int, dict[str, str], bytes]:
        raise NotImplementedError


def _json(status: int, data: Any) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json", "Cache-Control": "no-store"}, json.dumps(data).encode()


class OIDCProvider(_Server):
    def __init__(self, *, client_id: str, client_secret: str, sign_in_page: bool = False) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.sign_in_page = sign_in_page
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(8)
        self.person: dict[str, Any] | None = None
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.token_requests = 0

    def sign_in_as(self, *, sub: str, email: str, name: str = "", email_verified: bool = True) -> None:
        self.person = {"sub": sub, "email": email, "name": name, "email_verified": email_verified}

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile", "email"],
        }

    def handle(
        self, method: str, path: str, query: dict[str, list[str]], body: str, headers: Any
    ) -> tuple[int, dict[str, str], bytes]:
        if path == "/.well-known/openid-configuration":
            return _json(200, self.discovery())
        if path == "/jwks":
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
            return _json(200, {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]})
        if path == "/authorize" and method == "GET":
            params = {k: v[0] for k, v in query.items()}
            return self.ask(params) if self.sign_in_page else self.authorize(params)
        if path == "/authorize" and method == "POST" and self.sign_in_page:
            form = {k: v[0] for k, v in parse_qs(body).items()}
            if self.person is None or form.pop("username", "") != self.person["email"] or not form.pop("password", ""):
                return 401, {"Content-Type": "text/plain"}, b"Wrong address or password."
            return self.authorize(form)
        if path == "/token" and method == "POST":
            return self.token({k: v[0] for k, v in parse_qs(body).items()}, headers)
        if path == "/userinfo":
            token = (headers.get("Authorization") or "").removeprefix("Bearer ")
            if token not in self.tokens:
                return _json(401, {"error": "invalid_token"})
            return _json(200, self.tokens[token])
        return _json(404, {"error": "not_found"})

    def ask(self, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """The provider's own sign-in page: the authorization request carried through as hidden fields."""
        hidden = "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in params.items())
        page = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>University sign-in</title></head>'
            '<body><main><h1>Sign in to the University</h1><form method="post" action="/authorize">'
            f'{hidden}<label>University email <input name="username" type="email"></label> '
            '<label>Password <input name="password" type="password"></label> '
            "<button type=submit>Sign in</button></form></main></body></html>"
        )
        return 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode()

    def authorize(self, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if params.get("client_id") != self.client_id or params.get("response_type") != "code":
            return _json(400, {"error": "unauthorized_client"})
        if "openid" not in params.get("scope", "").split() or self.person is None:
            return _json(400, {"error": "invalid_request"})
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "person": dict(self.person),
            "redirect_uri": params["redirect_uri"],
            "nonce": params.get("nonce"),
            "challenge": params.get("code_challenge"),
        }
        location = params["redirect_uri"] + "?" + urlencode({"code": code, "state": params.get("state", "")})
        return 302, {"Location": location}, b""

    def token(self, form: dict[str, str], headers: Any) -> tuple[int, dict[str, str], bytes]:
        self.token_requests += 1
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if basic := (headers.get("Authorization") or "").removeprefix("Basic "):
            client_id, _, secret = base64.b64decode(basic).decode().partition(":")
        if client_id != self.client_id or secret != self.client_secret:
            return _json(401, {"error": "invalid_client"})
        grant = self.codes.pop(form.get("code", ""), None)  # a code is good once
        if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
            return _json(400, {"error": "invalid_grant"})
        if grant["challenge"]:
            verifier = form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if digest != grant["challenge"]:
                return _json(400, {"error": "invalid_grant", "error_description": "PKCE"})
        person = grant["person"]
        now = int(time.time())
        claims = {"iss": self.url, "aud": self.client_id, "iat": now, "exp": now + 300, **person}
        if grant["nonce"]:
            claims["nonce"] = grant["nonce"]
        id_token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})
        access_token = secrets.token_urlsafe(16)
        self.tokens[access_token] = person
        return _json(
            200, {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token}
        )


def self_signed(common_name: str) -> tuple[bytes, bytes]:
    """A fresh RSA key and its self-signed certificate, both PEM."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


class SAMLIdP(_Server):
    """A SAML 2.0 identity provider (pysaml2): HTTP-Redirect in, a signed Response by HTTP-POST out.

    `start()` serves it; `trust(sp_metadata)` reads the service provider's metadata (Legwork's
    /accounts/saml/<slug>/metadata/) before the first sign-in, as an IdP's administrator would.
    """

    def __init__(self, tmp_path: Any) -> None:
        key_pem, cert_pem = self_signed("Legwork test IdP")
        self.key_file = tmp_path / "idp.key"
        self.cert_file = tmp_path / "idp.crt"
        self.key_file.write_bytes(key_pem)
        self.cert_file.write_bytes(cert_pem)
        self.cert_pem = cert_pem
        self.person: dict[str, Any] | None = None
        self.server: Any = None

    @property
    def entity_id(self) -> str:
        return f"{self.url}/metadata"

    @property
    def sso_url(self) -> str:
        return f"{self.url}/sso"

    @property
    def x509cert(self) -> str:
        """The certificate as a SAML settings file wants it: base64, no PEM lines."""
        lines = self.cert_pem.decode().strip().splitlines()
        return "".join(line for line in lines if not line.startswith("-----"))

    def sign_in_as(self, *, uid: str, email: str, name: str = "") -> None:
        self.person = {"uid": uid, "email": email, "name": name}

    def trust(self, sp_metadata: str) -> None:
        from saml2 import BINDING_HTTP_REDIRECT
        from saml2.config import IdPConfig
        from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_EMAILADDRESS, NAMEID_FORMAT_PERSISTENT
        from saml2.server import Server

        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "service": {
                    "idp": {
                        "endpoints": {"single_sign_on_service": [(self.sso_url, BINDING_HTTP_REDIRECT)]},
                        "policy": {"default": {"lifetime": {"minutes": 5}, "name_form": NAME_FORMAT_URI}},
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_EMAILADDRESS],
                        "want_authn_requests_signed": False,
                    }
                },
                "key_file": str(self.key_file),
                "cert_file": str(self.cert_file),
                "xmlsec_binary": "/usr/bin/xmlsec1",
                "metadata": {"inline": [sp_metadata]},
            }
        )
        self.server = Server(config=config)

    def handle(
        self, method: str, path: str, query: dict[str, list[str]], body: str, headers: Any
    ) -> tuple[int, dict[str, str], bytes]:
        if path != "/sso" or method != "GET" or self.server is None or self.person is None:
            return 404, {"Content-Type": "text/plain"}, b"not found"
        return self.single_sign_on(query["SAMLRequest"][0], query.get("RelayState", [""])[0])

    def single_sign_on(self, saml_request: str, relay_state: str) -> tuple[int, dict[str, str], bytes]:
        from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
        from saml2.saml import AUTHN_PASSWORD_PROTECTED, NAMEID_FORMAT_PERSISTENT, NameID
        from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

        assert self.person is not None
        request = self.server.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT)
        args = self.server.response_args(request.message, [BINDING_HTTP_POST])
        args.pop("name_id_policy", None)
        args.pop("binding", None)
        identity = {"mail": [self.person["email"]], "displayName": [self.person["name"] or self.person["email"]]}
        response = self.server.create_authn_response(
            identity,
            userid=self.person["uid"],
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=self.person["uid"]),
            authn={"class_ref": AUTHN_PASSWORD_PROTECTED, "authn_auth": self.entity_id},
            sign_assertion=True,
            sign_response=True,
            # SHA-256: Legwork's SAML settings refuse SHA-1 signatures (python3-saml's reject_deprecated_algorithm).
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
            **args,
        )
        http = self.server.apply_binding(
            BINDING_HTTP_POST, str(response), args["destination"], relay_state, response=True
        )
        return 200, {"Content-Type": "text/html"}, http["data"].encode()
