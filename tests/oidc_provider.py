"""A small, standards-following OpenID Connect provider for the test suite, run as its own process
on loopback (``python -m tests.oidc_provider --port N --client-id ID --client-secret S``).

It implements the authorisation code flow as Microsoft Entra ID serves it to a confidential
client: discovery (``/.well-known/openid-configuration``), a JWKS with one RSA key, an
authorisation endpoint that shows a sign-in form (the person types the e-mail address the
provider should vouch for and ticks whether they used MFA), a token endpoint that checks the
client secret, the redirect URI and PKCE, and returns an RS256-signed ID token carrying ``amr``,
and a userinfo endpoint. Nothing here reaches beyond 127.0.0.1.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

KEY_ID = "loopback-test-key"


class Provider:
    """The provider's state: its key, the codes it has issued and the access tokens."""

    def __init__(self, issuer: str, client_id: str, client_secret: str) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "scopes_supported": ["openid", "profile", "email"],
            "claims_supported": ["sub", "email", "email_verified", "name", "amr"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": KEY_ID, "use": "sig", "alg": "RS256"})
        return {"keys": [jwk]}

    def issue_code(self, params: dict[str, str], claims: dict[str, Any]) -> str:
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = {"params": params, "claims": claims, "at": time.time()}
        return code

    def exchange(self, form: dict[str, str], basic: tuple[str, str] | None) -> dict[str, Any]:
        client_id, client_secret = basic or (form.get("client_id", ""), form.get("client_secret"))
        if client_id != self.client_id or client_secret != self.client_secret:
            raise ValueError("invalid_client")
        if form.get("grant_type") != "authorization_code":
            raise ValueError("unsupported_grant_type")
        with self.lock:
            issued = self.codes.pop(form.get("code", ""), None)
        if issued is None or time.time() - issued["at"] > 120:
            raise ValueError("invalid_grant")
        params = issued["params"]
        if params.get("redirect_uri") != form.get("redirect_uri"):
            raise ValueError("invalid_grant")
        challenge = params.get("code_challenge")
        if challenge:
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if computed != challenge:
                raise ValueError("invalid_grant")
        now = int(time.time())
        claims = {
            **issued["claims"],
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 600,
        }
        if params.get("nonce"):
            claims["nonce"] = params["nonce"]
        id_token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KEY_ID})
        access_token = secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[access_token] = issued["claims"]
        return {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 600,
            "id_token": id_token,
        }


SIGN_IN_FORM = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Loopback organisation sign-in</title></head><body><main>
<h1>Loopback organisation sign-in</h1>
<form method="post" action="/authorize">
{hidden}
<label for="email">Work e-mail address</label>
<input id="email" name="email" type="email" autocomplete="off">
<label><input id="mfa" name="mfa" type="checkbox" value="1"> I used a second factor</label>
<label><input id="unverified" name="unverified" type="checkbox" value="1">
 The e-mail address is not verified</label>
<button id="sign-in" type="submit">Sign in</button>
</form></main></body></html>"""


def make_handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            return

        def _send(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, data: dict[str, Any]) -> None:
            self._send(status, json.dumps(data).encode(), "application/json")

        def _form(self) -> dict[str, str]:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode()
            return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}

        def do_GET(self) -> None:  # noqa: N802 - stdlib naming
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                return self._json(200, provider.discovery())
            if url.path == "/jwks":
                return self._json(200, provider.jwks())
            if url.path == "/authorize":
                if query.get("client_id") != provider.client_id or not query.get("redirect_uri"):
                    return self._json(400, {"error": "invalid_request"})
                hidden = "\n".join(
                    f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                    for k, v in query.items()
                )
                body = SIGN_IN_FORM.format(hidden=hidden).encode()
                return self._send(200, body, "text/html; charset=utf-8")
            if url.path == "/userinfo":
                auth = self.headers.get("Authorization", "")
                claims = provider.tokens.get(auth.removeprefix("Bearer ").strip())
                if claims is None:
                    return self._json(401, {"error": "invalid_token"})
                return self._json(200, {k: v for k, v in claims.items() if k != "amr"})
            return self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:  # noqa: N802 - stdlib naming
            url = urlparse(self.path)
            form = self._form()
            if url.path == "/authorize":
                email = form.pop("email", "").strip().lower()
                mfa = form.pop("mfa", "") == "1"
                unverified = form.pop("unverified", "") == "1"
                claims = {
                    "sub": hashlib.sha256(email.encode()).hexdigest()[:32],
                    "email": email,
                    "email_verified": not unverified,
                    "name": email.split("@")[0].replace(".", " ").title(),
                    "amr": ["pwd", "mfa"] if mfa else ["pwd"],
                }
                code = provider.issue_code(form, claims)
                target = form["redirect_uri"]
                sep = "&" if "?" in target else "?"
                location = (
                    f"{target}{sep}{urlencode({'code': code, 'state': form.get('state', '')})}"
                )
                return self._send(302, b"", "text/plain", Location=location)
            if url.path == "/token":
                basic = None
                auth = self.headers.get("Authorization", "")
                if auth.startswith("Basic "):
                    decoded = base64.b64decode(auth[6:]).decode()
                    user, _, password = decoded.partition(":")
                    basic = (user, password)
                try:
                    return self._json(200, provider.exchange(form, basic))
                except ValueError as error:
                    return self._json(400, {"error": str(error)})
            return self._json(404, {"error": "not_found"})

    return Handler


def serve(port: int, client_id: str, client_secret: str) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", port), BaseHTTPRequestHandler)
    issuer = f"http://127.0.0.1:{server.server_address[1]}"
    server.RequestHandlerClass = make_handler(Provider(issuer, client_id, client_secret))
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    args = parser.parse_args()
    server = serve(args.port, args.client_id, args.client_secret)
    # The parent reads this line to learn the issuer.
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
