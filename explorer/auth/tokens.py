"""Signed, expiring session tokens for local accounts: what the browser keeps in a cookie so a
sign-in survives a reload, a new tab or a permalink, until sign-out or expiry.

A token is ``v1.<user, base64url>.<issued>.<expires>.<mac, base64url>`` (times in whole Unix
seconds). The MAC is HMAC-SHA256, under the server's session secret, over the version, the user
name, both times, and the account as it stands in the accounts file: its role and a SHA-256
fingerprint of its password hash. Nothing in the token is secret; it cannot be forged without
the secret, and it stops verifying when it expires, when the secret changes, or when the
account's role or password changes or the account is removed (``verify_token`` is given the
account's current entry on every request).

The secret is ``[explorer] session_secret`` in st.secrets when set (the caller passes it), else
a random 32-byte secret made once and kept, readable by its owner only, in ``session_secret``
beside the accounts file (never in the repository; delete it to sign everyone out).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Mapping
from pathlib import Path

VERSION = "v1"
#: How long a local sign-in lasts (from the moment of sign-in; not extended by use).
SESSION_LIFETIME_SECONDS = 8 * 60 * 60
SECRET_FILE_NAME = "session_secret"
_MAX_TOKEN_LENGTH = 512


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def account_fingerprint(entry: Mapping[str, str]) -> str:
    """The account as a token binds it: its role and a digest of its password hash."""
    digest = hashlib.sha256(entry["password_hash"].encode("utf-8")).hexdigest()
    return f"{entry['role']}|{digest}"


def _mac(secret: bytes, user: str, issued: int, expires: int, entry: Mapping[str, str]) -> bytes:
    message = "\n".join([VERSION, user, str(issued), str(expires), account_fingerprint(entry)])
    return hmac.new(secret, message.encode("utf-8"), hashlib.sha256).digest()


def issue_token(secret: bytes, user: str, entry: Mapping[str, str], *, now: float | None = None,
                lifetime: int = SESSION_LIFETIME_SECONDS) -> str:
    """A token for ``user`` (whose accounts-file entry is ``entry``), valid for ``lifetime``
    seconds from ``now``."""
    issued = int(time.time() if now is None else now)
    expires = issued + lifetime
    mac = _mac(secret, user, issued, expires, entry)
    return ".".join([VERSION, _b64encode(user.encode("utf-8")), str(issued), str(expires),
                     _b64encode(mac)])


def token_user(token: str) -> str | None:
    """The user name a well-formed token names (not yet verified), or None."""
    parts = token.split(".") if isinstance(token, str) and len(token) <= _MAX_TOKEN_LENGTH else []
    if len(parts) != 5 or parts[0] != VERSION:
        return None
    try:
        return _b64decode(parts[1]).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def token_expiry(token: str) -> int | None:
    """A well-formed token's expiry time (Unix seconds; not verified), or None."""
    parts = token.split(".") if token_user(token) is not None else []
    return int(parts[3]) if len(parts) == 5 and parts[3].isdigit() else None


def verify_token(secret: bytes, token: str, accounts: Mapping[str, Mapping[str, str]], *,
                 now: float | None = None) -> str | None:
    """The user name ``token`` signs in, when it is well formed, signed with ``secret``, not
    expired, and its account still exists in ``accounts`` with the same role and password;
    else None."""
    user = token_user(token)
    if user is None:
        return None
    _, _, issued, expires, mac_text = token.split(".")
    if not (issued.isdigit() and expires.isdigit()):
        return None
    entry = accounts.get(user)
    if not isinstance(entry, Mapping) or not isinstance(entry.get("password_hash"), str):
        return None
    try:
        mac = _b64decode(mac_text)
    except (binascii.Error, ValueError):
        return None
    if not hmac.compare_digest(mac, _mac(secret, user, int(issued), int(expires), entry)):
        return None
    moment = time.time() if now is None else now
    if not int(issued) - 60 <= moment < int(expires):  # 60 s of clock skew at most
        return None
    return user


def load_or_create_secret(path: Path) -> bytes:
    """The secret stored at ``path``, or a new random one written there (mode 0600) first."""
    path = Path(path)
    try:
        text = path.read_text(encoding="ascii").strip()
        if len(text) >= 32:
            return text.encode("ascii")
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    new = secrets.token_urlsafe(32)
    temporary = path.with_name(f".{path.name}-{os.getpid()}-{secrets.token_hex(4)}")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "w", encoding="ascii") as stream:
        stream.write(new + "\n")
    try:
        os.link(temporary, path)  # never replaces a secret another process wrote meanwhile
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)
    return path.read_text(encoding="ascii").strip().encode("ascii")
