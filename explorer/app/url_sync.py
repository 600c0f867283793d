"""A page's state <-> its URL, shared by Explore and Disclosure review: a new URL (a shared
link, the browser's back button) seeds the page's widgets; otherwise the widgets keep the
session's last state; after the page has built its tables, the URL is rewritten to say what it
shows, so the link can be shared. Session keys: ``<page>_dataset``, ``<page>_state``,
``<page>_url``, ``<page>_notices``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st


def state_from_url(page: str, dataset: str, read: Callable[[dict[str, list[str]]], tuple[Any, list[str]]],
                   seed: Callable[[Any], None], widget_key: str) -> dict[str, list[str]]:
    """Seed the page's widgets from a new URL (``read`` gives the state and the notices for
    what it ignored), or from the session's last state when the page was left and reopened
    (its widget ``widget_key`` is gone). Returns the URL's parameters."""
    state = st.session_state
    url = {name: st.query_params.get_all(name) for name in st.query_params}
    if state.get(f"{page}_dataset") != dataset or (url and url != state.get(f"{page}_url")):
        page_state, notices = read(url)
        seed(page_state)
        state[f"{page}_dataset"] = dataset
        state[f"{page}_state"] = page_state
        state[f"{page}_notices"] = notices
    elif widget_key not in state:  # came back from another page
        seed(state[f"{page}_state"])
        state[f"{page}_notices"] = []
    return url


def notices(page: str) -> list[str]:
    """What the page's last URL asked for that was ignored, in plain words."""
    return st.session_state.get(f"{page}_notices", [])


def state_to_url(page: str, url: dict[str, list[str]], params: dict[str, str], page_state: Any) -> None:
    """Make the URL say what the page shows (``params``); once the state moves on, the notices
    about the old URL are dropped."""
    wanted = {name: [value] for name, value in params.items()}
    if url != wanted:
        st.query_params.from_dict(params)
    st.session_state[f"{page}_url"] = wanted
    if page_state != st.session_state.get(f"{page}_state"):
        st.session_state[f"{page}_state"] = page_state
        st.session_state[f"{page}_notices"] = []
