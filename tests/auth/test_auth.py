"""Accounts file, password hashes, roles, the identity-provider role mapping, and the
``add-user`` command."""

from __future__ import annotations

import io
import json
import stat

import pytest

from explorer.auth import (PAGE_ACCESS, ROLES, WRONG_CREDENTIALS, AccountsError,
                           AuthenticationError, add_user, authenticate, load_accounts, may_open,
                           pages_for, role_for_identity)
from explorer.auth.accounts import accounts_path
from explorer.auth.oidc import RoleMappingError
from explorer.auth.roles import in_menu
from explorer.cli import main

pytestmark = pytest.mark.unit

PASSWORD = "Tr0ub4dor&3-horse"


@pytest.fixture
def accounts(tmp_path):
    path = tmp_path / "accounts.json"
    add_user(path, "olivia", PASSWORD, "official")
    add_user(path, "sam", "another secret 99", "statistician")
    return path


# --- hashes and the file ---------------------------------------------------------------------

def test_accounts_file_holds_salted_argon2_hashes_and_no_password(accounts):
    data = accounts.read_bytes()
    assert PASSWORD.encode() not in data and b"another secret 99" not in data
    entries = json.loads(data)
    assert entries["olivia"]["role"] == "official" and entries["sam"]["role"] == "statistician"
    hashes = [entry["password_hash"] for entry in entries.values()]
    assert all(h.startswith("$argon2id$v=19$") for h in hashes)
    assert set(entries["olivia"]) == {"role", "password_hash"}
    assert stat.S_IMODE(accounts.stat().st_mode) == 0o600


def test_the_same_password_gets_a_different_salt_each_time(tmp_path):
    path = tmp_path / "accounts.json"
    add_user(path, "a", PASSWORD, "official")
    add_user(path, "b", PASSWORD, "official")
    hashes = {entry["password_hash"] for entry in load_accounts(path).values()}
    assert len(hashes) == 2
    salts = {h.split("$")[4] for h in hashes}
    assert len(salts) == 2


def test_right_password_gives_the_role(accounts):
    assert authenticate(accounts, "olivia", PASSWORD) == "official"
    assert authenticate(accounts, " sam ", "another secret 99") == "statistician"


@pytest.mark.parametrize("username, password", [
    ("olivia", "wrong password"),        # wrong password
    ("olivia", PASSWORD.upper()),        # case matters
    ("nobody", PASSWORD),                # unknown user
    ("Olivia", PASSWORD),                # user names are exact
    ("olivia", ""),                      # empty password
    ("", ""),                            # nothing typed
])
def test_wrong_password_and_unknown_user_fail_with_the_same_message(accounts, username, password):
    with pytest.raises(AuthenticationError) as caught:
        authenticate(accounts, username, password)
    assert str(caught.value) == WRONG_CREDENTIALS == "Wrong user name or password."


def test_a_missing_accounts_file_signs_nobody_in(tmp_path):
    with pytest.raises(AuthenticationError):
        authenticate(tmp_path / "absent.json", "olivia", PASSWORD)


def test_a_damaged_accounts_file_is_a_clear_error(tmp_path):
    path = tmp_path / "accounts.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(AccountsError, match="not valid JSON"):
        authenticate(path, "olivia", PASSWORD)
    path.write_text(json.dumps({"olivia": {"role": "official"}}), encoding="utf-8")
    with pytest.raises(AccountsError, match="password_hash"):
        load_accounts(path)


def test_a_tampered_role_does_not_sign_in(accounts):
    entries = json.loads(accounts.read_text())
    entries["olivia"]["role"] = "admin"
    accounts.write_text(json.dumps(entries))
    with pytest.raises(AuthenticationError):
        authenticate(accounts, "olivia", PASSWORD)


@pytest.mark.parametrize("username, password, role, message", [
    ("x", PASSWORD, "public", "unknown role 'public'"),
    ("x", PASSWORD, "admin", "unknown role 'admin'"),
    ("x", "", "official", "the password is empty"),
    ("x", "short", "official", "at least 8 characters"),
    ("bad name", PASSWORD, "official", "invalid user name"),
    ("olivia", PASSWORD, "official", "already exists"),
])
def test_add_user_refuses_bad_requests(accounts, username, password, role, message):
    before = accounts.read_bytes()
    with pytest.raises(AccountsError, match=message):
        add_user(accounts, username, password, role)
    assert accounts.read_bytes() == before


def test_replace_changes_role_and_password(accounts):
    add_user(accounts, "olivia", "a new password", "statistician", replace=True)
    assert authenticate(accounts, "olivia", "a new password") == "statistician"
    with pytest.raises(AuthenticationError):
        authenticate(accounts, "olivia", PASSWORD)


def test_accounts_path_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("EXPLORER_ACCOUNTS", str(tmp_path / "a.json"))
    assert accounts_path() == tmp_path / "a.json"
    monkeypatch.delenv("EXPLORER_ACCOUNTS")
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(tmp_path))
    assert accounts_path() == tmp_path / "accounts.json"


# --- roles and pages --------------------------------------------------------------------------

def test_each_role_opens_exactly_its_pages():
    assert ROLES == ("public", "official", "statistician")
    assert pages_for("public") == ["home", "public_summary", "sign_in"]
    assert pages_for("official") == ["home", "public_summary", "sign_in", "explore", "data_catalog"]
    assert pages_for("statistician") == list(PAGE_ACCESS)
    assert not may_open("official", "review") and may_open("statistician", "review")
    assert not may_open("statistician", "no_such_page")  # deny by default
    assert in_menu("public", "sign_in") and not in_menu("official", "sign_in")


# --- the identity provider's people -> roles ------------------------------------------------

MAPPING = {"statistician": ["Sam.Jones@example.gov.uk", "sdc-checkers"],
           "official": ["@example.gov.uk", "policy-team"]}


@pytest.mark.parametrize("identity, role", [
    ({"email": "sam.jones@example.gov.uk"}, "statistician"),         # e-mail, any case
    ({"email": "ann@example.gov.uk"}, "official"),                   # @domain
    ({"email": "ann@EXAMPLE.gov.uk"}, "official"),
    ({"email": "ann@example.gov.uk.evil.com"}, "public"),            # not that domain
    ({"email": "ann@other.org", "groups": ["policy-team"]}, "official"),  # group claim
    ({"email": "ann@example.gov.uk", "groups": ["sdc-checkers"]}, "statistician"),  # highest
    ({"email": "sam.jones@example.gov.uk", "email_verified": False}, "public"),
    ({"email": "someone@elsewhere.com"}, "public"),                  # not mapped
    ({}, "public"),
])
def test_identity_provider_claims_map_to_roles(identity, role):
    assert role_for_identity(identity, MAPPING) == role


def test_a_custom_groups_claim_and_a_bad_mapping():
    identity = {"roles": "sdc-checkers"}
    assert role_for_identity(identity, MAPPING, groups_claim="roles") == "statistician"
    with pytest.raises(RoleMappingError, match="unknown role 'admin'"):
        role_for_identity({"email": "a@b.c"}, {"admin": ["a@b.c"]})


# --- python -m explorer add-user ---------------------------------------------------------------

def _add_user(monkeypatch, capsys, args, stdin=""):
    """Run ``python -m explorer add-user ARGS`` in-process: (exit status, stdout, stderr)."""
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    try:
        status = main(["add-user", *args])
    except SystemExit as exited:  # argparse's usage errors
        status = exited.code
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_add_user_writes_a_hash_and_the_user_can_sign_in(monkeypatch, capsys, tmp_path):
    path = tmp_path / "sub" / "accounts.json"
    status, out, err = _add_user(monkeypatch, capsys, [
        "--user", "olivia", "--role", "official", "--accounts", str(path), "--password-stdin"],
        stdin=PASSWORD + "\n")
    assert status == 0 and not err
    assert out.strip() == f"Added user olivia (official) in {path}"
    assert PASSWORD not in out and PASSWORD.encode() not in path.read_bytes()
    assert authenticate(path, "olivia", PASSWORD) == "official"


def test_cli_add_user_reads_the_accounts_path_from_the_environment(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("EXPLORER_ACCOUNTS", str(tmp_path / "env.json"))
    status, _, _ = _add_user(monkeypatch, capsys, [
        "--user", "sam", "--role", "statistician", "--password-stdin"], stdin=PASSWORD)
    assert status == 0
    assert authenticate(tmp_path / "env.json", "sam", PASSWORD) == "statistician"


def test_cli_add_user_prompts_twice_for_the_password(monkeypatch, capsys, tmp_path):
    typed = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    status, _, _ = _add_user(monkeypatch, capsys, [
        "--user", "olivia", "--role", "official", "--accounts", str(tmp_path / "a.json")])
    assert status == 0 and authenticate(tmp_path / "a.json", "olivia", PASSWORD) == "official"

    typed = iter([PASSWORD, "something else"])
    status, _, err = _add_user(monkeypatch, capsys, [
        "--user", "ann", "--role", "official", "--accounts", str(tmp_path / "a.json")])
    assert status == 2 and err == "error: the two passwords differ\n"


@pytest.mark.parametrize("args, stdin, message", [
    (["--user", "x", "--role", "admin"], PASSWORD, "error: unknown role 'admin'"),
    (["--user", "x", "--role", "official"], "\n", "error: the password is empty"),
    (["--user", "x", "--role", "official"], "", "error: the password is empty"),
    (["--user", "olivia", "--role", "official"], PASSWORD, "error: user 'olivia' already exists"),
    (["--role", "official"], PASSWORD, "error: the following arguments are required: --user"),
])
def test_cli_add_user_errors_are_one_line_with_status_2(monkeypatch, capsys, accounts, args,
                                                         stdin, message):
    before = accounts.read_bytes()
    status, _, err = _add_user(monkeypatch, capsys,
                               [*args, "--accounts", str(accounts), "--password-stdin"], stdin)
    assert status == 2
    assert err.startswith(message) and err.count("\n") == 1 and "Traceback" not in err
    assert accounts.read_bytes() == before


def test_cli_add_user_replace_overwrites(monkeypatch, capsys, accounts):
    status, out, _ = _add_user(monkeypatch, capsys, [
        "--user", "olivia", "--role", "statistician", "--accounts", str(accounts),
        "--password-stdin", "--replace"], stdin="brand new password\n")
    assert status == 0 and out.startswith("Saved user olivia (statistician)")
    assert authenticate(accounts, "olivia", "brand new password") == "statistician"
