"""Sign-in and roles.

- ``roles``: the three roles (public, official, statistician) and which pages each may open.
- ``accounts``: the local accounts file (Argon2id password hashes), ``add_user``, ``authenticate``.
- ``oidc``: the role of a person signed in through the organisation's identity provider.
- ``tokens``: signed, expiring session tokens (the cookie that keeps a local sign-in).
- ``throttle``: sign-in throttling per user name and per client.
- ``session``: this browser session's role (``current_role``), sign-in/out, ``require_role``,
  the session cookie (``sync_session_cookie``).
- ``navigation``: the role-aware router app.py runs.

Pages call ``require_role(...)`` at the top and read ``current_role()`` as their audience.
"""

from explorer.auth.accounts import (ACCOUNTS_ENV, WRONG_CREDENTIALS, AccountsError,
                                    AuthenticationError, accounts_path, add_user, authenticate,
                                    load_accounts)
from explorer.auth.oidc import RoleMappingError, role_for_identity
from explorer.auth.roles import (OFFICIAL, PAGE_ACCESS, PUBLIC, ROLES, SIGN_IN_ROLES, STATISTICIAN,
                                 allowed_roles, may_open, pages_for)
from explorer.auth.session import (NEXT_KEY, ROLE_KEY, USER_KEY, current_role, current_user,
                                   oidc_available, oidc_configured, require_role, sign_in_local,
                                   sign_out)

__all__ = [
    "ACCOUNTS_ENV", "NEXT_KEY", "OFFICIAL", "PAGE_ACCESS", "PUBLIC", "ROLES", "ROLE_KEY",
    "SIGN_IN_ROLES", "STATISTICIAN", "USER_KEY", "WRONG_CREDENTIALS", "AccountsError",
    "AuthenticationError", "RoleMappingError", "accounts_path", "add_user", "allowed_roles",
    "authenticate", "current_role", "current_user", "load_accounts", "may_open",
    "oidc_available", "oidc_configured", "pages_for", "require_role", "role_for_identity",
    "sign_in_local", "sign_out",
]
