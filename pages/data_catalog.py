"""About the data: what the dataset is, where it comes from, how it was linked and how well
(protected linkage rates by group; or, where the truth is known, protected precision and recall
by group, the linkage model and the linkage-bias view), its dimensions, outcomes and disclosure
control policies, all read from the validated catalog."""

import pandas as pd
import streamlit as st

from explorer.app.cached import (linkage_bias_for, linkage_evaluation_for, linkage_model_for,
                                  linkage_table_for, load_catalog_for_app, require_router)
from explorer.auth import OFFICIAL, STATISTICIAN, require_role
from explorer.app.chart_display import show_chart
from explorer.app.charts import chart_for, comparison_chart
from explorer.app.table_display import readable_table
from explorer.app.linkage_views import (bias_frame, bias_test_sentence, evaluation_frame,
                                        model_frame, published_quality_frame, threshold_sentence)
from explorer.errors import ExplorerError
from explorer.tables import policy_for

require_router()
role = require_role(OFFICIAL, STATISTICIAN)  # linkage tables are protected for this role
catalog = load_catalog_for_app(st.session_state["dataset"])
try:
    policies = {audience: policy_for(catalog, audience) for audience in catalog.sdc_policies}
except ExplorerError as error:
    st.error(str(error))
    st.stop()

st.title("About the data")
st.subheader(catalog.title)
st.write(catalog.description)
window = f"{catalog.follow_up.start:%d %B %Y} to {catalog.follow_up.end:%d %B %Y}"
st.caption(f"Dataset version {catalog.version}; "
           + (f"the outcome flags cover {window}." if catalog.is_person_level
              else f"follow-up {window}."))

st.header("Provenance")
for source in catalog.provenance:
    st.markdown(f"- {source}")

st.header("Linkage")
st.write(catalog.linkage.method)
st.dataframe(published_quality_frame(catalog), hide_index=True)
st.info(f"**Linkage by group.** {catalog.linkage.by_group_note}", icon=":material/groups:")
evaluation, bias = catalog.linkage.evaluation, catalog.linkage.bias


def label_of(code: str) -> str:
    """A dimension's label, for the selectors below."""
    return catalog.dimensions[code].label


if evaluation is None:  # no truth to evaluate against: the share of records linked, by group
    person_level = [code for code, d in catalog.dimensions.items()
                    if d.table == catalog.cohort.persons_table]
    linkage_by = st.selectbox("Linkage rate by", person_level, key="catalog_linkage_by",
                              format_func=label_of)
    try:
        linkage = linkage_table_for(catalog.code, linkage_by, role)
    except ExplorerError as error:
        st.warning(str(error))
    else:
        show_chart(chart_for(linkage), linkage, key="catalog_linkage_chart")
        st.table(readable_table(linkage, catalog, statistician=role == "statistician"),
                 hide_index=True)
        st.caption(f"{linkage.method} Policy: {linkage.policy}. {linkage.legend}")
else:
    st.subheader("Precision and recall")
    st.write("The true links are known for this dataset, so the linkage itself can be measured. "
             "**Precision**: of the links made, the share that joined the right records. "
             "**Recall**: of the records that truly belong together, the share the linkage "
             "found. A missed link makes a person look as if they had no linked record.")
    evaluation_by = st.selectbox("Precision and recall by", evaluation.by,
                                 key="catalog_evaluation_by", format_func=label_of)
    try:
        quality = linkage_evaluation_for(catalog.code, evaluation_by, role)
    except ExplorerError as error:
        st.warning(str(error))
    else:
        show_chart(chart_for(quality["precision"]), quality["precision"], key="catalog_precision_chart")
        show_chart(chart_for(quality["recall"]), quality["recall"], key="catalog_recall_chart")
        st.dataframe(evaluation_frame(quality), hide_index=True)
        recall = quality["recall"]
        st.caption(f"{recall.method} Policy: {recall.policy}. {recall.legend}")
try:
    model = linkage_model_for(catalog.code)
except ExplorerError as error:
    st.warning(str(error))
else:
    if model is not None:
        st.subheader("The linkage model")
        st.write("The trained model as the build stored it: for each comparison level, the "
                 "m probability (how often records that truly match agree at that level), "
                 "the u probability (how often records that do not match do) and the match "
                 "weight log2(m/u) it adds to a pair's score. Model parameters describe the "
                 "linkage, not people, so they are shown as they are.")
        st.dataframe(model_frame(model), hide_index=True)
        if threshold_sentence(model):
            st.markdown(f"**Threshold.** {threshold_sentence(model)}")
        st.dataframe(model.settings.rename(columns={"setting": "Setting", "value": "Value"}),
                     hide_index=True)

if bias is not None:
    st.header("Linkage bias")
    st.write("Records that fail to link are rarely a random subset, so results from the linked "
             "data can be biased. Following Harron et al. (2017, \"A guide to evaluating "
             "linkage quality for the analysis of linked data\", International Journal of "
             "Epidemiology), linked and unlinked records are compared on what both sides "
             "hold: the share of each in every group, the standardised difference (0.1 or "
             "more either way is a notable difference) and a chi-square test. Every figure "
             "comes from counts protected as one table.")
    characteristic = st.selectbox("Compare linked and unlinked records by",
                                  list(bias.characteristics), key="catalog_bias_by",
                                  format_func=label_of)
    try:
        view = linkage_bias_for(catalog.code, characteristic, role)
    except ExplorerError as error:
        st.warning(str(error))
    else:
        show_chart(comparison_chart(view.shares), view.shares, key="catalog_bias_chart")
        st.dataframe(bias_frame(view), hide_index=True)
        st.markdown(bias_test_sentence(view))
        if view.notable():
            st.warning("Notable differences (|d| ≥ 0.1): " + ", ".join(view.notable()) + ".",
                       icon=":material/balance:")
        st.caption(f"{view.shares.method} {view.differences.method} Policy: "
                   f"{view.shares.policy}. {view.shares.legend}")

st.header("Dimensions")
st.caption("The groups people can be compared by. Reference categories are the comparison "
           "group for ratios.")
for code, dimension in catalog.dimensions.items():
    with st.expander(f"{dimension.label} ({len(dimension.categories)} categories)"):
        facts = [f"Code: `{code}`", f"reference: {dimension.reference_category.label}"]
        if dimension.ordered:
            facts.append("ordered (used for slope and relative indices of inequality)")
        st.caption("; ".join(facts))
        st.dataframe(pd.DataFrame([{"Key": c.key, "Label": c.label,
                                    "Residual": "yes" if c.residual else ""}
                                   for c in dimension.categories]), hide_index=True)

st.header("Outcomes")
for code, outcome in catalog.outcomes.items():
    if catalog.is_person_level:  # a flag per person over the whole window
        st.markdown(f"**{outcome.label}** (`{code}`): {outcome.definition} Shown as {outcome.unit}.")
    else:
        st.markdown(f"**{outcome.label}** (`{code}`): {outcome.definition} ICD-10 "
                    f"{outcome.icd10}; ages {outcome.min_age} and over; counted from "
                    f"{outcome.first_year}.")

st.header("Disclosure control")
st.write("Every number in this product passes statistical disclosure control first. "
         "Each audience has its own policy:")
for audience, policy in policies.items():
    st.markdown(f"**{audience.capitalize()}** (policy {policy.label}): {policy.description}")
if catalog.standard_population is not None:
    st.caption(f"Age-standardised rates use the {catalog.standard_population.name} "
               f"({catalog.standard_population.source}).")
