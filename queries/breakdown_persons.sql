-- breakdown_persons: persons in the linked cohort, and those of them who died of the outcome
-- in the period, by up to three person-level dimensions (for proportions).
--
-- Bound values:  $year_from, $year_to  calendar years in which a death counts, inclusive
--                (plus one $filter_<n> list per filtered dimension, inside {filter_conditions})
-- Placeholders (catalog identifiers only, filled by explorer.db.runner):
--   {dimension_columns}  '"persons"."sex" AS "sex",' per breakdown dimension (or empty)
--   {filter_conditions}  'AND "persons"."sex" = ANY($filter_0)' per filtered dimension (or empty)
--   {record_key_column}  persons' record key: summed over the deaths of a cell for the cell key method
WITH outcome_deaths AS (
    SELECT DISTINCT {person_time_join_key} AS {join_key}
    FROM {person_time_table}
    WHERE {event_column} > 0
      AND {year_column} BETWEEN $year_from AND $year_to
)
SELECT
    {dimension_columns}
    COUNT(*) AS persons,
    COUNT(outcome_deaths.{join_key}) AS deaths,
    CAST(COALESCE(SUM(CASE WHEN outcome_deaths.{join_key} IS NOT NULL
                           THEN {record_key_column} END), 0) AS BIGINT) AS record_key_sum
FROM {persons_table}
JOIN {linkage_table} ON {linkage_join_key} = {persons_join_key}
LEFT JOIN outcome_deaths ON outcome_deaths.{join_key} = {persons_join_key}
WHERE {cohort_filter_column}
  {filter_conditions}
GROUP BY ALL
ORDER BY ALL
