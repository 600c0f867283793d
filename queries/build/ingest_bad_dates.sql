-- Rows whose dates cannot be used, by problem, each with its count and first row. A date of
-- birth is required; a date of death is optional but, when given, must be whole and possible,
-- and not before birth. Nobody can be born after follow-up starts ($start).
WITH problems AS (
    SELECT 1 AS sort, 'a date of birth that is missing, incomplete or cannot exist' AS problem,
           source_row, birth_text AS shown
    FROM source_dates
    WHERE birth_date IS NULL
    UNION ALL
    SELECT 2, 'a date of death that is incomplete or cannot exist', source_row, death_text
    FROM source_dates
    WHERE death_given AND death_date IS NULL
    UNION ALL
    SELECT 3, 'a date of death before the date of birth', source_row,
           death_text || ' before ' || birth_text
    FROM source_dates
    WHERE death_date < birth_date
    UNION ALL
    SELECT 4, 'a date of birth after follow-up starts', source_row, birth_text
    FROM source_dates
    WHERE birth_date > CAST($start AS DATE)
)
SELECT problem, count(*) AS rows, arg_min(source_row, source_row) AS first_row,
       arg_min(shown, source_row) AS first_shown
FROM problems
GROUP BY problem, sort
ORDER BY sort;
