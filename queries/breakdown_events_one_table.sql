-- breakdown_events_one_table: as breakdown_events, for a catalog whose person-time table repeats
-- each person's dimension columns, record key and cohort filter column
-- (cohort.person_columns_in_person_time): one scan of one table, no joins. Same result columns.
--
-- Bound values:  $year_from, $year_to  calendar years of person_time, inclusive
--                (plus one $filter_<n> list per filtered dimension, inside {filter_conditions})
-- Placeholders (catalog identifiers only, filled by explorer.db.runner; every column is the
-- person-time table's):
--   {dimension_columns}  '"person_time"."sex" AS "sex",' per breakdown dimension (or empty)
--   {year_group_column}  '"person_time"."year",' when a trend by calendar year is asked for (or empty)
--   {age_group_column}   '"person_time"."age_group" AS "age_group"'
--   {filter_conditions}  'AND "person_time"."sex" = ANY($filter_0)' per filtered dimension (or empty)
--   {cohort_filter_column}, {record_key_column}  the person-time table's copies
SELECT
    {dimension_columns}{year_group_column}{age_group_column},
    CAST(SUM({event_column}) AS BIGINT) AS events,
    SUM({person_years_column}) AS person_years,
    CAST(SUM({event_column} * {record_key_column}) AS BIGINT) AS record_key_sum
FROM {person_time_table}
WHERE {cohort_filter_column}
  AND {year_column} BETWEEN $year_from AND $year_to
  {filter_conditions}
GROUP BY ALL
ORDER BY ALL
