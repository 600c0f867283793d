"""The local accounts file: user name -> role and a salted Argon2id password hash.

For local use and tests; a deployment signs people in through the organisation's identity
provider instead (docs/deployment.md). The file is JSON::

    {"olivia": {"role": "official", "password_hash": "$argon2id$v=19$m=65536,t=3,p=4$..."}}

Hashes come from argon2-cffi's ``PasswordHasher`` (Argon2id, RFC 9106 parameters, a random
16-byte salt per hash, salt and parameters stored inside the hash string). Plain-text
passwords are never written, logged or kept beyond the call that checks them.

At most MAX_CONCURRENT_VERIFICATIONS hashes are checked at once in a process (each check takes
Argon2's 64 MiB), so concurrent sign-in attempts cannot exhaust memory. An unknown user name and
a damaged stored hash are checked against a dummy hash with the same parameters, so every
refusal takes about as long and says the same words.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from explorer.auth.roles import SIGN_IN_ROLES
from explorer.errors import ExplorerError
from explorer.paths import data_dir

ACCOUNTS_ENV = "EXPLORER_ACCOUNTS"
WRONG_CREDENTIALS = "Wrong user name or password."
MIN_PASSWORD_LENGTH = 8
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
#: Password checks that may run at once in this process (Argon2 memory_cost is 64 MiB each).
MAX_CONCURRENT_VERIFICATIONS = 2
#: How long an attempt waits for a free check before it is told to try again.
VERIFY_WAIT_SECONDS = 30
_VERIFY_SLOTS = threading.BoundedSemaphore(MAX_CONCURRENT_VERIFICATIONS)


class AuthenticationError(ExplorerError):
    """Sign-in failed. One message for an unknown user and a wrong password alike."""

    def __init__(self) -> None:
        super().__init__(WRONG_CREDENTIALS)


class AccountsError(ExplorerError):
    """The accounts file or a requested account change is not valid."""


class SignInBusyError(ExplorerError):
    """Too many sign-ins are being checked at this moment."""

    def __init__(self) -> None:
        super().__init__("The server is busy checking other sign-ins. Please try again in a "
                         "moment.")


def accounts_path() -> Path:
    """The accounts file: $EXPLORER_ACCOUNTS, else accounts.json in the data directory
    (data/, not committed; $EXPLORER_DATA_DIR moves it)."""
    configured = os.environ.get(ACCOUNTS_ENV)
    return Path(configured) if configured else data_dir() / "accounts.json"


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to verify against when the user is unknown, so an unknown name takes as long
    to refuse as a wrong password (the answer's timing does not say which names exist)."""
    return _hasher().hash("not a password: timing equaliser for unknown users")


def hash_password(password: str) -> str:
    """A salted Argon2id hash of ``password`` (a new random salt each call)."""
    return _hasher().hash(password)


def check_username(username: str) -> str:
    """``username`` stripped, or AccountsError when it is not 1-64 letters, digits, . _ @ -."""
    name = username.strip()
    if not _USERNAME.fullmatch(name):
        raise AccountsError(
            f"invalid user name {name!r}: use 1-64 letters, digits, '.', '_', '@' or '-', "
            "starting with a letter or digit")
    return name


def check_password(password: str) -> None:
    """AccountsError when ``password`` is empty or shorter than MIN_PASSWORD_LENGTH."""
    if not password:
        raise AccountsError("the password is empty")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountsError(f"the password is too short: use at least {MIN_PASSWORD_LENGTH} "
                            "characters")


def check_account_role(role: str) -> str:
    """``role`` when people can sign in to it, else AccountsError naming the choices."""
    if role not in SIGN_IN_ROLES:
        raise AccountsError(
            f"unknown role {role!r}: accounts are for {' or '.join(SIGN_IN_ROLES)} "
            "(public visitors need no account)")
    return role


def load_accounts(path: Path) -> dict[str, dict[str, str]]:
    """The accounts in ``path`` ({} when the file does not exist); AccountsError when the
    file is not an accounts file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise AccountsError(f"the accounts file cannot be read ({error.strerror}); please tell "
                            "the administrator", detail=f"accounts file: {path}") from None
    try:
        accounts = json.loads(text)
    except json.JSONDecodeError:
        raise AccountsError("the accounts file is not valid JSON; please tell the administrator",
                            detail=f"accounts file: {path}") from None
    if not isinstance(accounts, dict) or not all(
            isinstance(entry, dict) and isinstance(entry.get("role"), str)
            and isinstance(entry.get("password_hash"), str) for entry in accounts.values()):
        raise AccountsError("the accounts file is not a map of user name -> "
                            "{role, password_hash}; please tell the administrator",
                            detail=f"accounts file: {path}")
    return accounts


def _write_accounts(path: Path, accounts: dict[str, dict[str, str]]) -> None:
    """Replace ``path`` atomically with ``accounts``, readable by its owner only."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".accounts-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(accounts, stream, indent=2, sort_keys=True)
            stream.write("\n")
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def add_user(path: Path, username: str, password: str, role: str, *, replace: bool = False) -> str:
    """Add (or with ``replace``, overwrite) ``username`` with ``role`` and a salted hash of
    ``password``; returns the stored user name. AccountsError for a bad name, role or
    password, or an existing user without ``replace``."""
    name = check_username(username)
    check_account_role(role)
    check_password(password)
    accounts = load_accounts(path)
    if name in accounts and not replace:
        raise AccountsError(f"user {name!r} already exists in {path} (use --replace to change "
                            "their role or password)")
    accounts[name] = {"role": role, "password_hash": hash_password(password)}
    _write_accounts(path, accounts)
    return name


_cache_lock = threading.Lock()
_cached: dict[str, tuple[tuple[int, int, int], dict[str, dict[str, str]]]] = {}


def cached_accounts(path: Path) -> dict[str, dict[str, str]]:
    """``load_accounts(path)``, re-read whenever the file changes (keyed by its inode, size and
    modification time), so a role change or removal applies at the next request. Do not
    modify the result."""
    key = str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return {}
    except OSError:
        return load_accounts(path)  # raises the plain AccountsError
    identity = (info.st_ino, info.st_size, info.st_mtime_ns)
    with _cache_lock:
        hit = _cached.get(key)
    if hit is not None and hit[0] == identity:
        return hit[1]
    accounts = load_accounts(path)
    with _cache_lock:
        _cached[key] = (identity, accounts)
    return accounts


def _usable_hash(stored: str | None) -> str | None:
    """``stored`` when it is an Argon2 hash that can be checked, else None."""
    if not isinstance(stored, str):
        return None
    try:
        extract_parameters(stored)
    except (InvalidHashError, ValueError):
        return None
    return stored


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``. A missing or damaged hash is checked against
    the dummy hash instead (same work, then False). At most MAX_CONCURRENT_VERIFICATIONS run at
    once; SignInBusyError after waiting VERIFY_WAIT_SECONDS for a turn."""
    usable, dummy = _usable_hash(stored), _dummy_hash()
    if not _VERIFY_SLOTS.acquire(timeout=VERIFY_WAIT_SECONDS):
        raise SignInBusyError()
    try:
        _hasher().verify(usable or dummy, password or "")
        matched = True
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        matched = False
    finally:
        _VERIFY_SLOTS.release()
    return matched and usable is not None


def authenticate(path: Path, username: str, password: str) -> str:
    """The role of ``username`` when ``password`` matches its hash; AuthenticationError with
    the same message, after the same work, for an unknown user, a wrong password, an empty
    field, a damaged hash or a role nobody signs in to."""
    accounts = load_accounts(path)
    entry = accounts.get(username.strip()) if username else None
    if not verify_password(entry["password_hash"] if entry else None, password):
        raise AuthenticationError()
    if entry is None or entry["role"] not in SIGN_IN_ROLES:
        raise AuthenticationError()
    return entry["role"]
