-- cell_key_perturbation: a frequency table with cell key perturbation (the cell key method of
-- Census 2021; ONS cell-key-perturbation package, create_perturbed_table), the DuckDB twin of
-- explorer.sdc.perturbation.perturbed_table_from_microdata. Run by explorer.sdc.perturbation_sql.
--
-- One row per cell of the full grid of the observed categories of the tabulation variables,
-- ordered by them: the variables, pre_sdc_count, ckey, pcv, pvalue, count (NULL = suppressed).
--
-- Bound values:
--   $modulus     number of cell keys (256 or 4096); record keys must lie in 0..$modulus-1
--   $max_pcv     the p-table's largest pcv (750 for the ONS tables)
--   $reuse_rows  counts above $max_pcv reuse the p-table's last $reuse_rows rows (250)
--   $threshold   perturbed counts below this are suppressed (10)
-- Placeholders (identifiers checked against the caller's allow-list, double-quoted):
--   {microdata_table}   the table of records, one row per person
--   {record_key}        its record-key column
--   {by_columns}        '"sex", "ethnicity"': the tabulation variables
--   {category_grid}     '(SELECT DISTINCT "sex" FROM microdata) CROSS JOIN (...)' per variable
--   {missing_category}  '"sex" IS NULL OR "ethnicity" IS NULL'
--   {ptable}            the registered p-table relation (pcv, ckey, pvalue)
WITH microdata AS (
    SELECT {by_columns}, {record_key} AS record_key
    FROM {microdata_table}
),
-- Step 1 and 2: count and sum the record keys of each observed cell (bad input stops the query)
cells AS (
    SELECT
        {by_columns},
        COUNT(CASE WHEN {missing_category}
                   THEN error('cell key perturbation: a tabulation variable has missing values')
                   ELSE 1 END) AS pre_sdc_count,
        SUM(CASE WHEN record_key IS NULL OR record_key < 0 OR record_key >= $modulus
                      OR record_key <> floor(record_key)
                 THEN error('cell key perturbation: every record needs a whole-number record key in 0..' || ($modulus - 1))
                 ELSE record_key END) AS record_key_sum
    FROM microdata
    GROUP BY ALL
),
-- Step 1: the full grid of observed categories, empty cells counted 0 with cell key 0
grid AS (
    SELECT * FROM {category_grid}
),
counted AS (
    SELECT
        grid.*,
        COALESCE(cells.pre_sdc_count, 0)::BIGINT AS pre_sdc_count,
        COALESCE(cells.record_key_sum % $modulus, 0)::BIGINT AS ckey
    FROM grid
    LEFT JOIN cells USING ({by_columns})
),
-- Step 3: counts above the p-table's largest pcv reuse its last rows (ONS: 501-750 above 750)
with_pcv AS (
    SELECT
        *,
        CASE WHEN pre_sdc_count <= $max_pcv THEN pre_sdc_count
             ELSE (pre_sdc_count - 1) % $reuse_rows + $max_pcv - $reuse_rows + 1
        END::BIGINT AS pcv
    FROM counted
),
-- Step 4: the perturbation value from the p-table; none for empty cells (pcv 0)
perturbed AS (
    SELECT
        with_pcv.*,
        COALESCE(ptable.pvalue, 0)::BIGINT AS pvalue
    FROM with_pcv
    LEFT JOIN {ptable} AS ptable
        ON ptable.pcv = with_pcv.pcv AND ptable.ckey = with_pcv.ckey
)
-- Step 5: perturb, then suppress perturbed counts below the threshold
SELECT
    *,
    CASE WHEN pre_sdc_count + pvalue < $threshold THEN NULL
         ELSE pre_sdc_count + pvalue END AS "count"
FROM perturbed
ORDER BY ALL
