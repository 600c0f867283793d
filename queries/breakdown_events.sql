-- breakdown_events: events and person-years of the followed cohort by up to three person-level
-- dimensions, always also by attained age group (the standard population's dimension) and, when
-- asked, by calendar year, for one outcome. Person-years come from the exposure index
-- (docs/data-model.md): persons grouped by the view's dimensions and their exposure class, then
-- the class's terms by year and age group. Survivors and deaths are grouped apart: survivors
-- (most of the table) need only a count and one sum, and their classes are few. Day sums are
-- DOUBLE: exact for whole numbers below 2^53, and much faster to group than DuckDB's HUGEINT sums.
--
-- Bound values:  $year_from, $year_to  calendar years, inclusive
--                (plus one $filter_<n> list per filtered dimension, inside the filter placeholders)
-- Placeholders (catalog identifiers only, filled by explorer.db.runner):
--   {dimension_columns}    '"persons"."sex" AS "sex",' per breakdown dimension (or empty)
--   {dimension_names}      '"sex", ' per breakdown dimension (or empty)
--   {year_group_column}    '"year", ' when a trend by calendar year is asked for (or empty)
--   {year_alias}, {age_group_alias}   '"year"', '"age_group"': the output's names
--   {filter_conditions}    'AND "persons"."sex" = ANY($filter_0)' per filtered person-level dimension
--   {terms_age_filter}     'AND "exposure_terms"."age_group" = ANY($filter_n)' when the age group is
--                          filtered (or empty); {exit_age_filter} the same on the persons' exit band
WITH survivors AS (
    SELECT
        {dimension_columns}{survivor_class_column} AS exposure_class,
        count(*) AS persons,
        sum(CAST({next_band_column} AS DOUBLE)) AS next_band_days,
        0 AS followed_days
    FROM {persons_table}
    WHERE {cohort_filter_column}
      AND {survivor_class_column} IS NOT NULL
      {filter_conditions}
    GROUP BY ALL
),
deaths AS (
    SELECT
        {dimension_columns}{death_class_column} AS exposure_class,
        count(*) AS persons,
        sum(CAST({next_band_column} AS DOUBLE)) AS next_band_days,
        sum(CAST({followed_column} AS DOUBLE)) AS followed_days
    FROM {persons_table}
    WHERE {cohort_filter_column}
      AND {death_class_column} IS NOT NULL
      {filter_conditions}
    GROUP BY ALL
),
exposure AS (
    SELECT
        {dimension_names}{terms_year_column} AS {year_alias},
        {terms_age_group_column} AS {age_group_alias},
        sum({constant_column} * grouped.persons
            + {next_band_coefficient_column} * grouped.next_band_days
            + {followed_coefficient_column} * grouped.followed_days) AS person_days
    FROM (SELECT * FROM survivors UNION ALL SELECT * FROM deaths) AS grouped
    JOIN {terms_table} ON {terms_class_column} = grouped.exposure_class
    WHERE {terms_year_column} BETWEEN $year_from AND $year_to
      {terms_age_filter}
    GROUP BY ALL
    HAVING person_days > 0  -- a band that starts on 1 January has no days in the year before
),
events AS (
    SELECT
        {dimension_columns}{exit_year_column} AS {year_alias},
        {exit_age_group_column} AS {age_group_alias},
        count(*) AS events,
        sum({record_key_column}) AS record_key_sum
    FROM {persons_table}
    WHERE {cohort_filter_column}
      AND {event_column} = 1
      AND {exit_year_column} BETWEEN $year_from AND $year_to
      {filter_conditions}
      {exit_age_filter}
    GROUP BY ALL
)
SELECT
    {dimension_names}{year_group_column}{age_group_alias},
    CAST(coalesce(sum(events), 0) AS BIGINT) AS events,
    sum(person_days) / 365.25 AS person_years,
    CAST(coalesce(sum(record_key_sum), 0) AS BIGINT) AS record_key_sum
FROM exposure
LEFT JOIN events USING ({dimension_names}{year_alias}, {age_group_alias})
GROUP BY ALL
ORDER BY ALL
