"""Role of a person signed in through the organisation's identity provider (OpenID Connect).

Streamlit's ``st.login`` puts the identity token's claims in ``st.user``; the deployment's
secrets say which people or groups hold which role (docs/deployment.md)::

    [explorer]
    groups_claim = "groups"            # optional: the claim listing the person's groups

    [explorer.roles]
    statistician = ["sam.jones@example.gov.uk", "sdc-output-checkers"]
    official = ["@example.gov.uk"]

An entry is an e-mail address (matched ignoring case), ``@domain`` (any e-mail address at that
domain), or a group name (matched against the groups claim). E-mail entries are ignored when
the provider says the address is not verified (``email_verified = false``). A person matching
no entry is ``public``; one matching several gets the most privileged role.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from explorer.auth.roles import PUBLIC, ROLES, SIGN_IN_ROLES
from explorer.errors import ExplorerError

DEFAULT_GROUPS_CLAIM = "groups"


class RoleMappingError(ExplorerError):
    """The deployment's [explorer.roles] secrets are malformed."""


def _entries(value: Any, role: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Iterable) or not all(isinstance(item, str) for item in value):
        raise RoleMappingError(f"[explorer.roles] {role} must be a list of e-mail addresses, "
                               "@domains or group names")
    return [item.strip() for item in value if item.strip()]


def check_role_mapping(mapping: Mapping[str, Any]) -> dict[str, list[str]]:
    """``mapping`` as role -> entries; RoleMappingError for an unknown role or a bad list."""
    checked = {}
    for role, value in mapping.items():
        if role not in SIGN_IN_ROLES:
            raise RoleMappingError(f"[explorer.roles] has unknown role {role!r}: use "
                                   f"{' or '.join(SIGN_IN_ROLES)}")
        checked[role] = _entries(value, role)
    return checked


def _groups(identity: Mapping[str, Any], claim: str) -> set[str]:
    value = identity.get(claim)
    if isinstance(value, str):
        return {value}
    if isinstance(value, Iterable):
        return {str(item) for item in value}
    return set()


def _matches(entry: str, email: str | None, groups: set[str]) -> bool:
    if entry.startswith("@"):
        return email is not None and email.endswith(entry.lower())
    if "@" in entry:
        return email is not None and email == entry.lower()
    return entry in groups


def role_for_identity(identity: Mapping[str, Any], mapping: Mapping[str, Any],
                      groups_claim: str = DEFAULT_GROUPS_CLAIM) -> str:
    """The role of a signed-in identity (the claims in ``st.user``) under ``mapping``
    (role -> entries, from secrets [explorer.roles])."""
    email = identity.get("email")
    email = email.strip().lower() if isinstance(email, str) and email.strip() else None
    if identity.get("email_verified") is False:
        email = None
    groups = _groups(identity, groups_claim)
    best = PUBLIC
    for role, entries in check_role_mapping(mapping).items():
        more_privileged = ROLES.index(role) > ROLES.index(best)
        if more_privileged and any(_matches(entry, email, groups) for entry in entries):
            best = role
    return best
