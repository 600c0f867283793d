-- linkage_model_settings: the settings of the linkage run as the build stored them (catalog
-- dataset.linkage.model.settings_table: threshold, blocking rules, prior), in stored order. Not
-- about people: for the Data catalog page as they are.
--
-- Bound values:  none
-- Placeholders (catalog identifiers only, filled by explorer.db.runner):
--   {settings_table}, {setting_column}, {value_column}
SELECT
    {setting_column} AS setting,
    {value_column} AS value
FROM {settings_table}
ORDER BY rowid
