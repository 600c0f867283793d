-- Ingest, step 4: each row's category codes, under the persons table's column names, from the
-- code map (a registered table: dimension, source_code, category_code; a NULL source_code is
-- the category of a missing value). Parameters: one $dimension_<n> per dimension.
-- Placeholders: {coded} ('m0.category_code AS "sex"', ...) and {joins} (one
-- 'LEFT JOIN code_map AS m0 ON m0.dimension = $dimension_0 AND m0.source_code IS NOT DISTINCT
-- FROM v."sex"' per dimension).
CREATE OR REPLACE TEMP TABLE source_coded AS
SELECT
    v.source_row,
    {coded}
FROM source_values AS v
{joins};
