-- What the ingest read and what follow-up makes of it. Parameters: $start, $end.
SELECT
    count(*) AS rows_read,
    count(*) FILTER (WHERE death_date < CAST($start AS DATE)) AS died_before_start,
    count(*) FILTER (WHERE death_date > CAST($end AS DATE)) AS died_after_end,
    count(*) FILTER (WHERE death_date BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)) AS deaths
FROM source_dates;
