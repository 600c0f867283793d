"""What the Streamlit pages call: the view in the URL (``view_state``), its widgets
(``widgets``), charts from protected tables only (``charts``), downloads (``downloads``) and
the cached builders on one shared read-only connection (``cached``). Pages import from here,
never from the stages below."""
