-- exposure_terms: for each exposure class, calendar year and attained age band, the person-days
-- of a group of persons of that class as
--     constant_days * persons + next_band_coefficient * sum(days_to_next_band)
--                             + followed_coefficient * sum(days_followed)
-- (docs/data-model.md). Parameters: $start, $end (first and last day of follow-up).
--
-- Band k of a person's follow-up is the half-open day interval [lower, upper):
--   lower = 0 (k = 0), days_to_next_band + gap_k (k >= 1; gap_1 = 0, gap_2 = change_2_after,
--           gap_3 = change_3_after)
--   upper = lower of band k + 1 (k < band_changes), days_followed (k = band_changes; a survivor's
--           days_followed is the whole follow-up, a constant)
-- Band changes fall on birthdays 5 years apart, so band k (k >= 1) starts in calendar year
-- first_change_year + 5 (k - 1). In calendar year y the band contributes
--   min(upper, day of 1 January y+1) - max(lower, day of 1 January y),
-- and which of the two wins is fixed by the years the class records.
INSERT INTO exposure_terms
WITH bands AS (
    SELECT
        c.*,
        k,
        CASE WHEN k = 0 THEN year(CAST($start AS DATE))
             ELSE first_change_year + 5 * (k - 1) END AS lower_year,
        [0, 0, change_2_after, change_3_after][k + 1] AS lower_gap,
        CASE WHEN k = band_changes THEN end_year
             ELSE first_change_year + 5 * k END AS upper_year,
        [0, 0, change_2_after, change_3_after, 0][k + 2] AS upper_gap
    FROM exposure_classes AS c
    CROSS JOIN range(4) AS bands(k)
    WHERE k <= band_changes
),
band_years AS (
    SELECT
        b.*,
        y.year,
        greatest(make_date(CAST(y.year AS INTEGER), 1, 1) - CAST($start AS DATE), 0) AS year_start,
        make_date(CAST(y.year AS INTEGER) + 1, 1, 1) - CAST($start AS DATE) AS year_end,
        CAST($end AS DATE) - CAST($start AS DATE) + 1 AS whole_follow_up
    FROM bands AS b
    JOIN range(year(CAST($start AS DATE)), year(CAST($end AS DATE)) + 1) AS y(year)
      ON y.year BETWEEN b.lower_year AND b.upper_year
),
terms AS (
    SELECT
        exposure_class,
        year,
        entry_age_group + k AS age_group,
        -- upper end
        CASE WHEN upper_year <> year THEN year_end
             WHEN k < band_changes THEN upper_gap
             WHEN survivor THEN whole_follow_up
             ELSE 0 END
        -- minus lower end
        - CASE WHEN lower_year <> year THEN year_start
               ELSE lower_gap END AS constant_days,
        CAST(upper_year = year AND k < band_changes AS INTEGER)
            - CAST(lower_year = year AND k >= 1 AS INTEGER) AS next_band_coefficient,
        CAST(upper_year = year AND k = band_changes AND NOT survivor AS INTEGER) AS followed_coefficient
    FROM band_years
)
SELECT
    CAST(exposure_class AS USMALLINT),
    CAST(year AS USMALLINT),
    CAST(age_group AS UTINYINT),
    CAST(constant_days AS INTEGER),
    CAST(next_band_coefficient AS TINYINT),
    CAST(followed_coefficient AS TINYINT)
FROM terms
WHERE NOT (constant_days = 0 AND next_band_coefficient = 0 AND followed_coefficient = 0)
ORDER BY ALL;
