"""Session tokens (explorer.auth.tokens): signed, expiring, bound to the account's role and
password, and the secret kept beside the accounts file (mode 0600)."""

from __future__ import annotations

import stat

import pytest

from explorer.auth.tokens import (SESSION_LIFETIME_SECONDS, issue_token, load_or_create_secret,
                                  token_expiry, token_user, verify_token)

pytestmark = pytest.mark.unit

SECRET = b"s" * 43
NOW = 1_800_000_000
OLIVIA = {"role": "official", "password_hash": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"}
ACCOUNTS = {"olivia": OLIVIA}


@pytest.fixture
def token() -> str:
    return issue_token(SECRET, "olivia", OLIVIA, now=NOW)


def test_a_token_verifies_and_names_its_user(token):
    assert verify_token(SECRET, token, ACCOUNTS, now=NOW + 1) == "olivia"
    assert token_user(token) == "olivia"
    assert token_expiry(token) == NOW + SESSION_LIFETIME_SECONDS == NOW + 8 * 3600
    assert token.startswith("v1.") and all(ch.isalnum() or ch in "._-" for ch in token)
    assert "official" not in token and OLIVIA["password_hash"] not in token


def test_a_token_expires_after_eight_hours(token):
    assert verify_token(SECRET, token, ACCOUNTS, now=NOW + SESSION_LIFETIME_SECONDS - 1)
    assert verify_token(SECRET, token, ACCOUNTS, now=NOW + SESSION_LIFETIME_SECONDS) is None
    assert verify_token(SECRET, token, ACCOUNTS, now=NOW - 3600) is None  # issued in the future


def _tampered(token: str, index: int, value: str) -> str:
    parts = token.split(".")
    parts[index] = value
    return ".".join(parts)


def test_a_tampered_token_is_refused(token):
    sam = issue_token(SECRET, "sam", OLIVIA, now=NOW)
    later = str(NOW + 10 * SESSION_LIFETIME_SECONDS)
    for bad in [_tampered(token, 1, sam.split(".")[1]),  # another user's name
                _tampered(token, 3, later),              # a later expiry
                _tampered(token, 2, str(NOW + 5)),       # another issue time
                _tampered(token, 4, token.split(".")[4][:-2] + "AA"),  # another MAC
                _tampered(token, 0, "v2"), token + ".x", token[:-1], "", "v1....", "garbage",
                "v1.!!!.1.2.3", "x" * 5000]:
        assert verify_token(SECRET, bad, {**ACCOUNTS, "sam": OLIVIA}, now=NOW + 1) is None, bad


def test_a_new_secret_signs_everyone_out(token):
    assert verify_token(b"another secret" * 3, token, ACCOUNTS, now=NOW + 1) is None


@pytest.mark.parametrize("accounts", [
    {"olivia": {**OLIVIA, "role": "statistician"}},    # role changed
    {"olivia": {**OLIVIA, "password_hash": OLIVIA["password_hash"][:-1] + "B"}},  # new password
    {},                                                # removed
    {"sam": OLIVIA},                                   # removed, someone else remains
])
def test_a_role_change_password_change_or_removal_ends_the_token(token, accounts):
    assert verify_token(SECRET, token, accounts, now=NOW + 1) is None


def test_the_secret_file_is_made_once_with_owner_only_permissions(tmp_path):
    path = tmp_path / "data" / "session_secret"
    first = load_or_create_secret(path)
    assert len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_secret(path) == first
    assert [p.name for p in path.parent.iterdir()] == ["session_secret"]  # no temporary left
    path.unlink()
    assert load_or_create_secret(path) != first  # deleting it makes a new one
