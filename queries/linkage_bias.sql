-- linkage_bias: the records that were to be linked (catalog dataset.linkage.bias.table), by one
-- characteristic they hold (a column with a dimension's category codes) and by whether the
-- linkage found them, for the linkage-bias view (explorer.tables.linkage_bias). Records with no
-- value, or a value that is not one of the dimension's codes, are left out. An empty linked flag
-- counts as not linked.
--
-- Bound values:  $category_codes  the dimension's category codes
-- Placeholders (catalog identifiers only, filled by explorer.db.runner):
--   {bias_table}             the records table
--   {characteristic_column}  '"records"."sex" AS "sex"'
--   {characteristic_value}   the same column, for the WHERE clause
--   {linked_column}          true (or 1) when the linkage found the record
--   {record_key_column}      the records' key, summed per cell for the cell key method
SELECT
    {characteristic_column},
    coalesce(CAST({linked_column} AS INTEGER), 0) = 1 AS linked,
    count(*) AS records,
    CAST(coalesce(sum({record_key_column}), 0) AS BIGINT) AS record_key_sum
FROM {bias_table}
WHERE {characteristic_value} = ANY($category_codes)
GROUP BY ALL
ORDER BY ALL
