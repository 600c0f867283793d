-- breakdown_persons: persons in the followed cohort, and those of them who died of the outcome
-- in the period, by up to three person-level dimensions (for proportions).
--
-- Bound values:  $year_from, $year_to  calendar years in which a death counts, inclusive
--                (plus one $filter_<n> list per filtered dimension, inside {filter_conditions})
-- Placeholders (catalog identifiers only, filled by explorer.db.runner):
--   {dimension_columns}  '"persons"."sex" AS "sex",' per breakdown dimension (or empty)
--   {filter_conditions}  'AND "persons"."sex" = ANY($filter_0)' per filtered dimension (or empty)
--   {record_key_column}  persons' record key: summed over the deaths of a cell for the cell key method
SELECT
    {dimension_columns}
    count(*) AS persons,
    count(*) FILTER (WHERE {event_column} = 1
                       AND {exit_year_column} BETWEEN $year_from AND $year_to) AS deaths,
    CAST(coalesce(sum({record_key_column}) FILTER (WHERE {event_column} = 1
                       AND {exit_year_column} BETWEEN $year_from AND $year_to), 0) AS BIGINT)
        AS record_key_sum
FROM {persons_table}
WHERE {cohort_filter_column}
  {filter_conditions}
GROUP BY ALL
ORDER BY ALL
