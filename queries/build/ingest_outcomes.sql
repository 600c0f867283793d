-- Ingest, step 5: for each death within follow-up, a bit mask of the outcomes it counts for, from
-- the outcome rules (a registered table: outcome_bit, all_deaths, prefix_length, first_code,
-- last_code, min_age): every death for an all-deaths outcome, else an underlying cause whose first
-- prefix_length characters lie in [first_code, last_code] at an age at death (completed years) of
-- at least min_age. Parameters: $start, $end.
CREATE OR REPLACE TEMP TABLE death_outcomes AS
SELECT d.source_row, CAST(bit_or(CAST(1 AS UBIGINT) << r.outcome_bit) AS UBIGINT) AS mask
FROM source_dates AS d
JOIN outcome_rules AS r
  ON r.all_deaths
  OR (left(d.underlying_cause, r.prefix_length) BETWEEN r.first_code AND r.last_code
      AND date_sub('year', d.birth_date, d.death_date) >= r.min_age)
WHERE d.death_date BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
GROUP BY d.source_row;
