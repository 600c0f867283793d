-- linkage_evaluation: people in the cohort by one person-level dimension, by whether a record
-- truly belongs to them (truth: 1 yes, 2 no) and by what the linkage did for them (link: 1 linked
-- to their own record, 2 linked to a record that is not theirs, 3 not linked), from the columns
-- of the persons table that hold the synthetic truth (catalog dataset.linkage.evaluation). For
-- linkage precision and recall on the Data catalog and Explore pages, after disclosure control
-- (explorer.tables.linkage_evaluation). An empty flag counts as 0.
--
-- Bound values:  none
-- Placeholders (catalog identifiers only, filled by explorer.db.runner):
--   {dimension_column}     '"persons"."sex" AS "sex"'
--   {true_match_column}    1 when a record truly belongs to the person
--   {linked_column}        1 when the linkage accepted a record for the person
--   {correct_column}       1 when the accepted record is the person's own
--   {record_key_column}    persons' record key, summed per cell for the cell key method
SELECT
    {dimension_column},
    CASE WHEN coalesce(CAST({true_match_column} AS INTEGER), 0) = 1 THEN 1 ELSE 2 END AS truth,
    CASE WHEN coalesce(CAST({linked_column} AS INTEGER), 0) <> 1 THEN 3
         WHEN coalesce(CAST({correct_column} AS INTEGER), 0) = 1 THEN 1
         ELSE 2 END AS link,
    count(*) AS persons,
    CAST(coalesce(sum({record_key_column}), 0) AS BIGINT) AS record_key_sum
FROM {persons_table}
WHERE {cohort_filter_column}
GROUP BY ALL
ORDER BY ALL
