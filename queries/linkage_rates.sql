-- linkage_rates: everyone enumerated, and those linked into the followed-up cohort, by one
-- person-level dimension (for the data catalog page). A person whose linked flag is empty
-- counts as not linked.
--
-- Bound values:  none
-- Placeholders (catalog identifiers only, filled by explorer.db.runner):
--   {dimension_column}   '"persons"."sex" AS "sex"'
--   {record_key_column}  persons' record key, summed over the linked and over the unlinked
--                        people of each group for the cell key method
SELECT
    {dimension_column},
    count(*) AS persons,
    count(*) FILTER (WHERE {cohort_filter_column}) AS linked,
    CAST(coalesce(sum({record_key_column}) FILTER (WHERE {cohort_filter_column}), 0) AS BIGINT)
        AS linked_record_key_sum,
    CAST(coalesce(sum({record_key_column}) FILTER (WHERE {cohort_filter_column} IS NOT TRUE), 0)
        AS BIGINT) AS not_linked_record_key_sum
FROM {persons_table}
GROUP BY ALL
ORDER BY ALL
