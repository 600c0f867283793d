"""About the data: what the dataset is, where it comes from, how it was linked, its
dimensions, outcomes and disclosure control policies, all read from the validated catalog."""

import pandas as pd
import streamlit as st

from explorer.app.cached import linkage_table_for, load_catalog_for_app, require_router
from explorer.auth import OFFICIAL, STATISTICIAN, require_role
from explorer.app.charts import chart_for
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
st.dataframe(pd.DataFrame([{"Measure": q.measure,
                            "Value": f"{q.value:.1%}" if q.unit == "proportion" else f"{q.value:g} {q.unit}",
                            "Source": q.source} for q in catalog.linkage.quality]),
             hide_index=True)
st.info(f"**Linkage by group.** {catalog.linkage.by_group_note}", icon=":material/groups:")
person_level = [code for code, d in catalog.dimensions.items() if d.table == catalog.cohort.persons_table]
linkage_by = st.selectbox("Linkage rate by", person_level, key="catalog_linkage_by",
                          format_func=lambda code: catalog.dimensions[code].label)
try:
    linkage = linkage_table_for(catalog.code, linkage_by, role)
except ExplorerError as error:
    st.warning(str(error))
else:
    st.plotly_chart(chart_for(linkage))
    st.dataframe(linkage.frame, hide_index=True)
    st.caption(f"{linkage.method} Policy: {linkage.policy}. {linkage.legend}")

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
