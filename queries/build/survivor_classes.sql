-- Survivors' exposure classes: every birth date from $start back 130 years, followed from $start
-- to $end (a survivor's class depends on the birth date only). Parameters: $start, $end.
CREATE OR REPLACE TEMP TABLE follow_up_input AS
SELECT
    CAST(0 AS INTEGER) AS person_id,
    CAST(birth_date AS DATE) AS birth_date,
    CAST($start AS DATE) AS entry_date,
    CAST($end AS DATE) AS exit_date
FROM range(CAST($start AS DATE) - INTERVAL 130 YEAR, CAST($start AS DATE) + INTERVAL 1 DAY,
           INTERVAL 1 DAY) AS dates(birth_date);
