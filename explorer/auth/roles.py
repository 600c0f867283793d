"""Roles and which pages each may open: the one table the router, the menu and the pages'
own guards read. A page missing from the table is open to nobody (deny by default)."""

from __future__ import annotations

PUBLIC = "public"
OFFICIAL = "official"
STATISTICIAN = "statistician"

#: Every role, least to most privileged. Each uses the disclosure control policy of the same
#: name (catalog.sdc_policies maps audience -> policy).
ROLES: tuple[str, ...] = (PUBLIC, OFFICIAL, STATISTICIAN)

#: Roles a person signs in to (``public`` is everyone who has not signed in).
SIGN_IN_ROLES: tuple[str, ...] = (OFFICIAL, STATISTICIAN)

ROLE_NAMES = {PUBLIC: "public visitor", OFFICIAL: "official", STATISTICIAN: "statistician"}
ROLE_PLURALS = {PUBLIC: "everyone", OFFICIAL: "officials", STATISTICIAN: "statisticians"}

_EVERYONE = frozenset(ROLES)
_SIGNED_IN = frozenset(SIGN_IN_ROLES)

#: Page url_path -> the roles that may open it.
PAGE_ACCESS: dict[str, frozenset[str]] = {
    "home": _EVERYONE,
    "public_summary": _EVERYONE,
    "sign_in": _EVERYONE,
    "explore": _SIGNED_IN,
    "data_catalog": _SIGNED_IN,
    "review": frozenset({STATISTICIAN}),
}

#: The page whose menu entry only someone not signed in needs.
SIGN_IN_PAGE = "sign_in"


def allowed_roles(url_path: str) -> frozenset[str]:
    """The roles that may open the page at ``url_path`` (none for an unknown page)."""
    return PAGE_ACCESS.get(url_path, frozenset())


def may_open(role: str, url_path: str) -> bool:
    """Whether ``role`` may open the page at ``url_path``."""
    return role in allowed_roles(url_path)


def in_menu(role: str, url_path: str) -> bool:
    """Whether the page is listed in ``role``'s navigation menu: the pages it may open, less
    the sign-in page once signed in (the sidebar then shows who is signed in instead)."""
    if url_path == SIGN_IN_PAGE and role != PUBLIC:
        return False
    return may_open(role, url_path)


def pages_for(role: str) -> list[str]:
    """The url_paths ``role`` may open, in the table's order."""
    return [url_path for url_path, roles in PAGE_ACCESS.items() if role in roles]


def audience_label(roles: frozenset[str] | tuple[str, ...]) -> str:
    """Plain words for who may open a page: "statisticians", "officials and statisticians"."""
    ordered = [ROLE_PLURALS[role] for role in ROLES if role in roles]
    if set(roles) >= set(ROLES):
        return ROLE_PLURALS[PUBLIC]
    return " and ".join(ordered) if ordered else "nobody"
