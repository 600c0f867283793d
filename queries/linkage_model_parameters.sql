-- linkage_model_parameters: the trained linkage model as the build stored it (catalog
-- dataset.linkage.model.parameters_table), one row per comparison level, in stored order. Model
-- parameters describe the linkage, not people: for the Data catalog page as they are.
--
-- Bound values:  none
-- Placeholders (catalog identifiers only, filled by explorer.db.runner):
--   {parameters_table}, {comparison_column}, {level_column}, {m_probability_column},
--   {u_probability_column}, {match_weight_column}
SELECT
    {comparison_column} AS comparison,
    {level_column} AS level,
    {m_probability_column} AS m_probability,
    {u_probability_column} AS u_probability,
    {match_weight_column} AS match_weight
FROM {parameters_table}
ORDER BY rowid
