"""The role-aware router app.py runs: every page is registered with st.navigation (so each URL
routes, and a refused one shows a polite refusal rather than "page not found"), the app draws
the role's own menu (st.page_link; Streamlit's navigation widget is hidden, as is its
file-name page list for the pages/ folder: client.showSidebarNavigation = false), and a
refused page never runs."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from explorer.app.cached import routed_page
from explorer.auth.roles import (OFFICIAL, ROLE_NAMES, ROLES, STATISTICIAN, allowed_roles, in_menu,
                                 may_open)
from explorer.auth.session import (current_role, current_user, remember_refused_page,
                                   role_mapping_problem, show_refusal, sign_out)
from explorer.app.widgets import escape_markdown

#: Menu sections, by who may open the pages in them.
SECTIONS = {frozenset(ROLES): "Everyone",
            frozenset({OFFICIAL, STATISTICIAN}): "Officials and statisticians",
            frozenset({STATISTICIAN}): "Statisticians"}


@dataclass(frozen=True)
class PageSpec:
    """One page of the app: its file, URL path (the key of roles.PAGE_ACCESS), title, icon."""

    file: str
    url_path: str
    title: str
    icon: str
    default: bool = False


def _section(url_path: str) -> str:
    return SECTIONS.get(allowed_roles(url_path), "Other")


def navigation_sections(specs: list[PageSpec],
                        role: str) -> tuple[dict[str, list], dict[int, PageSpec]]:
    """st.navigation's sections for ``role`` (every page registered; only ``role``'s pages
    visible, grouped by audience; hidden pages parked in the first section so no empty
    heading shows) and a map from each st.Page's id to its spec."""
    sections: dict[str, list] = {}
    hidden = []
    spec_of = {}
    for spec in specs:
        visible = in_menu(role, spec.url_path)
        page = st.Page(spec.file, title=spec.title, icon=spec.icon, url_path=spec.url_path,
                       default=spec.default, visibility="visible" if visible else "hidden")
        spec_of[id(page)] = spec
        if visible:
            sections.setdefault(_section(spec.url_path), []).append(page)
        else:
            hidden.append(page)
    if not sections:
        sections[""] = []
    sections[next(iter(sections))].extend(hidden)
    return sections, spec_of


def account_sidebar(role: str) -> None:
    """Who is signed in, and a sign-out button; nothing for a public visitor (the menu
    lists the sign-in page)."""
    user = current_user()
    if user is None:
        return
    st.sidebar.divider()
    name = escape_markdown(user)
    st.sidebar.markdown(f"Signed in as **{name}** ({ROLE_NAMES[role]})")
    if st.sidebar.button("Sign out", key="auth_sign_out", icon=":material/logout:"):
        sign_out()
        st.switch_page("pages/home.py")


def draw_menu(sections: dict[str, list], spec_of: dict[int, PageSpec]) -> None:
    """The menu in the sidebar: a heading per audience and a link per page the role may open
    (navigation_sections made those pages visible; plain links, no list markup). Titles and
    icons come from our own PageSpec, not from st.Page's attributes, which a bare run (app.py
    executed outside ``streamlit run``, e.g. by a spawned process) does not set."""
    with st.sidebar.container(key="app_menu"):
        for section, pages in sections.items():
            visible = [page for page in pages if page.visibility == "visible"]
            if not visible:
                continue
            if section:
                st.caption(section)
            for page in visible:
                spec = spec_of[id(page)]
                st.page_link(page, label=spec.title, icon=spec.icon)


def navigate(specs: list[PageSpec]) -> tuple[object, PageSpec]:
    """Register every page (Streamlit's own navigation hidden) and draw ``current_role()``'s
    menu; returns the requested page and its spec. Call before anything slow, so that a
    freshly started server's first paint already shows the menu."""
    role = current_role()
    sections, spec_of = navigation_sections(specs, role)
    page = st.navigation(sections, position="hidden")
    draw_menu(sections, spec_of)
    return page, spec_of[id(page)]


def run_page(page, spec: PageSpec) -> None:
    """The account box, then the requested page if the role may open it, else a polite
    refusal in its place."""
    role = current_role()
    problem = role_mapping_problem()
    if problem is not None:  # everyone signed in through the provider is public meanwhile
        st.error(f"Sign-in is misconfigured, so only the public pages are open: {problem}")
    account_sidebar(role)
    if may_open(role, spec.url_path):
        with routed_page():
            page.run()
        return
    remember_refused_page(spec.file, spec.url_path)
    show_refusal(allowed_roles(spec.url_path), title=spec.title)
