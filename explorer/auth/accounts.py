"""The local accounts file: user name -> role and a salted Argon2id password hash.

For local use and tests; a deployment signs people in through the organisation's identity
provider instead (docs/deployment.md). The file is JSON::

    {"olivia": {"role": "official", "password_hash": "$argon2id$v=19$m=65536,t=3,p=4$..."}}

Hashes come from argon2-cffi's ``PasswordHasher`` (Argon2id, RFC 9106 parameters, a random
16-byte salt per hash, salt and parameters stored inside the hash string). Plain-text
passwords are never written, logged or kept beyond the call that checks them.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from explorer.auth.roles import SIGN_IN_ROLES
from explorer.errors import ExplorerError
from explorer.paths import data_dir

ACCOUNTS_ENV = "EXPLORER_ACCOUNTS"
WRONG_CREDENTIALS = "Wrong user name or password."
MIN_PASSWORD_LENGTH = 8
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


class AuthenticationError(ExplorerError):
    """Sign-in failed. One message for an unknown user and a wrong password alike."""

    def __init__(self) -> None:
        super().__init__(WRONG_CREDENTIALS)


class AccountsError(ExplorerError):
    """The accounts file or a requested account change is not valid."""


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
        raise AccountsError(f"cannot read accounts file {path}: {error.strerror}") from None
    try:
        accounts = json.loads(text)
    except json.JSONDecodeError:
        raise AccountsError(f"accounts file {path} is not valid JSON") from None
    if not isinstance(accounts, dict) or not all(
            isinstance(entry, dict) and isinstance(entry.get("role"), str)
            and isinstance(entry.get("password_hash"), str) for entry in accounts.values()):
        raise AccountsError(f"accounts file {path} is not a map of user name -> "
                            "{role, password_hash}")
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


def authenticate(path: Path, username: str, password: str) -> str:
    """The role of ``username`` when ``password`` matches its hash; AuthenticationError with
    the same message for an unknown user, a wrong password, an empty field or a damaged hash."""
    accounts = load_accounts(path)
    entry = accounts.get(username.strip()) if username else None
    stored = entry["password_hash"] if entry else _dummy_hash()
    try:
        _hasher().verify(stored, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise AuthenticationError() from None
    if entry is None or entry["role"] not in SIGN_IN_ROLES:
        raise AuthenticationError()
    return entry["role"]
