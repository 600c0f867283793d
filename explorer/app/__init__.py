"""What the Streamlit pages call (pages import these modules directly; nothing below this stage):

- ``cached``: ``load_catalog_for_app``, ``view_tables_for``, ``view_workbook_for``,
  the review page's tables, ``linkage_table_for``, ``linkage_evaluation_for``,
  ``linkage_notes_for``, ``linkage_bias_for``, ``linkage_model_for``, ``database_status``,
  ``hidden_cell_summary``,
  ``require_router`` (cached builders on one shared read-only connection; the request is the
  cache key);
- ``view_state``: ``ExploreView``, ``view_from_query_params``, ``view_to_query_params``;
- ``review_state``: the review page's policy choice in the URL;
- ``url_sync``: ``state_from_url``, ``state_to_url``, ``notices`` (a page's state <-> its URL);
- ``widgets``: ``view_selectors``, ``seed_view_widgets``, ``escape_markdown``;
- ``charts``: ``chart_for``, ``comparison_chart`` (plotly figures from MeasureTables only);
- ``linkage_views``: reader tables and sentences for the linkage sections of the Data catalog
  page (precision and recall, the linkage model, linkage bias);
- ``downloads``: ``csv_download``, ``xlsx_download``.
"""
