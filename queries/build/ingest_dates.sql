-- Ingest, step 3: each row's dates of birth and death (NULL when a part is missing or the date
-- cannot exist), whether each date was given in full or in part, the record id and the
-- underlying cause. Placeholders: {birth_year}, {birth_month}, {birth_day}, {death_year},
-- {death_month}, {death_day}, {underlying_cause} (source columns) and {record_id} (the id
-- column, or NULL when the source has none).
CREATE OR REPLACE TEMP TABLE source_dates AS
SELECT
    source_row,
    CAST({record_id} AS VARCHAR) AS record_id,
    try(make_date(try_cast({birth_year} AS INTEGER), try_cast({birth_month} AS INTEGER),
                  try_cast({birth_day} AS INTEGER))) AS birth_date,
    concat_ws('-', {birth_year}, {birth_month}, {birth_day}) AS birth_text,
    ({birth_year} IS NOT NULL AND {birth_month} IS NOT NULL AND {birth_day} IS NOT NULL) AS birth_complete,
    try(make_date(try_cast({death_year} AS INTEGER), try_cast({death_month} AS INTEGER),
                  try_cast({death_day} AS INTEGER))) AS death_date,
    concat_ws('-', {death_year}, {death_month}, {death_day}) AS death_text,
    ({death_year} IS NOT NULL OR {death_month} IS NOT NULL OR {death_day} IS NOT NULL) AS death_given,
    ({death_year} IS NOT NULL AND {death_month} IS NOT NULL AND {death_day} IS NOT NULL) AS death_complete,
    upper(replace({underlying_cause}, '.', '')) AS underlying_cause
FROM source_values;
