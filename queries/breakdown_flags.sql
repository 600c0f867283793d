-- breakdown_flags: persons in the cohort of a person-level dataset (dataset.shape person_level),
-- and those of them flagged with the outcome, by up to three person-level dimensions (for
-- proportions, ratios of proportions and SII/RII on proportions). There is no person-time and no
-- event year: an outcome flag covers the whole follow-up window.
--
-- Bound values:  none (plus one $filter_<n> list per filtered dimension, inside {filter_conditions})
-- Placeholders (catalog identifiers only, filled by explorer.db.runner):
--   {dimension_columns}  '"persons"."sex" AS "sex",' per breakdown dimension (or empty)
--   {event_column}       the outcome's flag column (1 = the person has the outcome)
--   {filter_conditions}  'AND "persons"."sex" = ANY($filter_0)' per filtered dimension (or empty)
--   {record_key_column}  persons' record key: summed over the flagged persons of a cell for the
--                        cell key method
SELECT
    {dimension_columns}
    count(*) AS persons,
    count(*) FILTER (WHERE {event_column} = 1) AS events,
    CAST(coalesce(sum({record_key_column}) FILTER (WHERE {event_column} = 1), 0) AS BIGINT)
        AS record_key_sum
FROM {persons_table}
WHERE {cohort_filter_column}
  {filter_conditions}
GROUP BY ALL
ORDER BY ALL
