-- Ingest, step 2: the columns the catalog's source section reads, trimmed, with its missing
-- values (``NA``, empty, ...) as NULL; source_row numbers the rows from 1 in file order.
-- Parameter: $missing_values (list of texts). Placeholder: {values}, one
-- 'CASE WHEN trim("col") = ANY($missing_values) THEN NULL ELSE trim("col") END AS "col"' per column.
CREATE OR REPLACE TEMP TABLE source_values AS
SELECT
    CAST(rowid + 1 AS INTEGER) AS source_row,
    {values}
FROM source_rows;
