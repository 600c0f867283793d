-- Number the survivors' classes 1, 2, ... in tuple order (from follow_up_exposure of every
-- possible birth date, queries/build/survivor_classes.sql).
INSERT INTO exposure_classes
SELECT
    CAST(row_number() OVER (ORDER BY entry_age_group, band_changes, first_change_year,
                                     change_2_after, change_3_after, end_year) AS USMALLINT),
    true, entry_age_group, band_changes, first_change_year, change_2_after, change_3_after, end_year
FROM (SELECT DISTINCT entry_age_group, band_changes, first_change_year, change_2_after,
             change_3_after, end_year
      FROM follow_up_exposure);
