-- Rows without an id, rows whose id is repeated, and up to three repeated ids with their counts.
-- Placeholder: {id_column} (the source's id column, as read into source_values).
WITH repeated AS (
    SELECT {id_column} AS id, count(*) AS copies
    FROM source_values
    WHERE {id_column} IS NOT NULL
    GROUP BY ALL
    HAVING count(*) > 1
)
SELECT
    (SELECT count(*) FROM source_values WHERE {id_column} IS NULL) AS missing,
    (SELECT coalesce(sum(copies), 0) FROM repeated) AS repeated_rows,
    (SELECT list(id || ' (' || copies || ' rows)' ORDER BY copies DESC, id)[1:3] FROM repeated) AS examples;
