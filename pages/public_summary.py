"""Public summary: the curated public views, read only from the published file
(python -m explorer publish). Works without the microdata database; shows the Samaritans
support notice with every suicide-related view. A contents list at the top links to each view's
heading, and a "Words used on this page" section explains the terms (explorer.release.glossary).
Each chart is drawn the one accessible way (explorer.app.chart_display.show_chart: plotly's own
layout, no toolbar, its text alternative under it)."""

import streamlit as st

from explorer.app.cached import require_router
from explorer.app.chart_display import show_chart
from explorer.app.charts import chart_for
from explorer.auth import STATISTICIAN, current_role
from explorer.catalog import SUPPORT_NOTICE
from explorer.release import (PublishedFileError, glossary, load_publication, published_frame,
                              view_csv)

require_router()
dataset = st.session_state["dataset"]

st.title("Public summary")
try:
    publication = load_publication(dataset)
except PublishedFileError as error:
    # no server path unless a statistician is signed in
    st.warning(error.page_message(details=current_role() == STATISTICIAN), icon=":material/info:")
    st.stop()

st.markdown(
    f"Summary figures from **{publication.dataset_title}**. Every number here passed disclosure "
    f"control under the public policy ({publication.policy_label}): every count is changed a "
    "little at random and small or revealing figures are hidden, so tables need not add up to "
    "their totals. "
    f"Published {publication.generated_at}.")
if publication.about_suicide:
    st.info(f"**Support is available.** {SUPPORT_NOTICE}", icon=":material/call:")

GLOSSARY_ANCHOR, ABOUT_ANCHOR = "words-used-on-this-page", "about"
st.markdown("**On this page**\n\n"
            + "\n".join(f"- [{view.title}](#{view.code})" for view in publication.views)
            + f"\n- [Words used on this page](#{GLOSSARY_ANCHOR})"
            + f"\n- [About these figures](#{ABOUT_ANCHOR})")
st.markdown("The words used in the headlines and charts, and the markers [c], [u], [x] and [z], "
            f"are explained under [Words used on this page](#{GLOSSARY_ANCHOR}).")

for view in publication.views:
    st.header(view.title, anchor=view.code, divider="gray")
    st.markdown(f"**{view.headline}**")
    show_chart(chart_for(view.table), view.table, key=f"public_chart_{view.code}")
    shows, does_not = st.columns(2)
    with shows:
        st.markdown("**What this shows**")
        st.write(view.what_it_means)
    with does_not:
        st.markdown("**What this does not show**")
        st.write(view.what_it_does_not_mean)
    if view.about_suicide:
        st.markdown(f":material/call: {SUPPORT_NOTICE}")  # not a caption: its link's contrast
    with st.expander("Table and method"):
        st.dataframe(published_frame(view), hide_index=True)
        if view.table.legend:
            st.caption(f"Markers: {view.table.legend}")
        st.caption(view.table.method)
        for note in view.table.notes:
            st.caption(note)
    st.download_button("Download this table (CSV)", view_csv(view, publication),
                       file_name=f"{publication.dataset_code}_{view.code}.csv", mime="text/csv",
                       key=f"public_download_{view.code}", icon=":material/download:")

st.header("Words used on this page", anchor=GLOSSARY_ANCHOR, divider="gray")
st.markdown("\n".join(f"- **{term}**: {meaning}"
                       for term, meaning in glossary(view.table for view in publication.views)))

st.header("About these figures", anchor=ABOUT_ANCHOR, divider="gray")
st.write(publication.dataset_description)
st.markdown("**Sources**")
for source in publication.provenance:
    st.markdown(f"- {source}")
st.markdown("**Linkage**")
st.write(publication.linkage_method)
st.markdown("**Disclosure control**")
st.write(publication.policy_description)
st.caption(f"Dataset version {publication.dataset_version}; policy {publication.policy_label}; "
           f"published {publication.generated_at}.")
