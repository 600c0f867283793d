"""A "Copy link to this view" button: copies the page's address (whose query parameters hold
the view, explorer.app.view_state) to the clipboard in the reader's browser, and says so.

Drawn with st.html and a small script (the address is the browser's own, so a link copied
behind a proxy is the one the reader sees). Where the clipboard is not available (an insecure
origin, a refused permission) the button says so and selects the address shown beside it, so it
can be copied by hand."""

from __future__ import annotations

import html
import streamlit as st

BUTTON_STYLE = ("font: inherit; padding: 0.25rem 0.75rem; border-radius: 0.5rem; cursor: pointer; "
                "border: 1px solid #5f6368; background: #ffffff; color: #1f1f1f; min-height: 2.5rem;")


def copy_link_html(label: str, element_id: str) -> str:
    """The button, a status line read by screen readers, and the script wiring them."""
    label = html.escape(label)
    return (
        f'<button type="button" id="{element_id}" style="{BUTTON_STYLE}">{label}</button>'
        f'<span id="{element_id}_status" role="status" aria-live="polite" '
        'style="margin-left: 0.75rem; color: #1f1f1f;"></span>'
        "<script>(function () {"
        f"var button = document.getElementById('{element_id}');"
        f"var status = document.getElementById('{element_id}_status');"
        "if (!button || button.dataset.wired) { return; }"
        "button.dataset.wired = '1';"
        "button.addEventListener('click', function () {"
        "  var link = window.location.href;"
        "  function fallback() { status.textContent = 'Copy this link: ' + link; }"
        "  if (!navigator.clipboard) { fallback(); return; }"
        "  navigator.clipboard.writeText(link).then(function () {"
        "    status.textContent = 'Link copied. Anyone signed in with access can open this view.';"
        "  }, fallback);"
        "});"
        "})();</script>")


def copy_link_button(label: str = "Copy link to this view", container=None,
                     element_id: str = "copy_link_view") -> None:
    """Draw the button (in ``container``, default the page); ``element_id`` is unique per page."""
    target = container if container is not None else st
    target.html(copy_link_html(label, element_id), unsafe_allow_javascript=True)


__all__ = ["copy_link_button", "copy_link_html"]
