-- Rows of one dimension's source column whose code (or missing value) the code map does not
-- know, and up to five of those codes. Parameter: $dimension. Placeholder: {source_column}.
SELECT
    count(*) AS rows,
    list(DISTINCT coalesce({source_column}, '(missing)') ORDER BY coalesce({source_column}, '(missing)'))[1:5] AS examples
FROM source_values AS v
WHERE NOT EXISTS (
    SELECT 1
    FROM code_map AS m
    WHERE m.dimension = $dimension
      AND m.source_code IS NOT DISTINCT FROM v.{source_column}
);
