-- breakdown_events: events and person-years of the linked cohort by up to three dimensions,
-- always also by attained age group (the standard population's dimension), for one outcome.
--
-- Bound values:  $year_from, $year_to  calendar years of person_time, inclusive
--                (plus one $filter_<n> list per filtered dimension, inside {filter_conditions})
-- Placeholders (catalog identifiers only, filled by explorer.db.runner):
--   {dimension_columns}  '"persons"."sex" AS "sex",' per breakdown dimension (or empty)
--   {year_group_column}  '"person_time"."year",' when a trend by calendar year is asked for (or empty)
--   {age_group_column}   '"person_time"."age_group" AS "age_group"'
--   {filter_conditions}  'AND "persons"."sex" = ANY($filter_0)' per filtered dimension (or empty)
--   {record_key_column}  persons' record key: summed over the events of a cell for the cell key method
SELECT
    {dimension_columns}{year_group_column}{age_group_column},
    CAST(SUM({event_column}) AS BIGINT) AS events,
    SUM({person_years_column}) AS person_years,
    CAST(SUM({event_column} * {record_key_column}) AS BIGINT) AS record_key_sum
FROM {person_time_table}
JOIN {persons_table} ON {persons_join_key} = {person_time_join_key}
JOIN {linkage_table} ON {linkage_join_key} = {person_time_join_key}
WHERE {cohort_filter_column}
  AND {year_column} BETWEEN $year_from AND $year_to
  {filter_conditions}
GROUP BY ALL
ORDER BY ALL
