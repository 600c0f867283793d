-- Ingest, step 6, one range of rows: person_rows (every persons column before the exposure
-- index, plus cause_group, the deaths' outcome mask, for their order in persons), the input of
-- explorer.data.exposure_index. Everyone in the extract is in the cohort and enters on $start;
-- a death before $start excludes the person, one after $end counts as surviving to $end.
-- The record key is a hash of the record id (or row number) with the dataset code, 0-255.
-- Parameters: $start, $end, $dataset, $first_row, $last_row, one $outcome_<n> bit per outcome.
-- Placeholders: {join_key}, {record_key}, {cohort_filter} (persons columns), {outcome_flags}
-- ('CAST(coalesce((o.mask >> $outcome_0) & 1, 0) AS UTINYINT) AS "died",' per outcome).
CREATE OR REPLACE TEMP TABLE person_rows AS
SELECT
    c.source_row AS {join_key},
    c.* EXCLUDE (source_row),
    CAST(hash($dataset || '/' || coalesce(d.record_id, CAST(c.source_row AS VARCHAR))) % 256
         AS UTINYINT) AS {record_key},
    true AS {cohort_filter},
    d.birth_date,
    CAST($start AS DATE) AS entry_date,
    least(coalesce(d.death_date, CAST($end AS DATE)), CAST($end AS DATE)) AS exit_date,
    {outcome_flags}
    CAST(least(coalesce(o.mask, 0), 255) AS UTINYINT) AS cause_group
FROM source_coded AS c
JOIN source_dates AS d USING (source_row)
LEFT JOIN death_outcomes AS o USING (source_row)
WHERE c.source_row BETWEEN $first_row AND $last_row
  AND (d.death_date IS NULL OR d.death_date >= CAST($start AS DATE));
