-- After the last chunk: number the classes of the people who died (after the survivors'), then
-- append them to persons by cause group, and the people not linked after them.
INSERT INTO exposure_classes
SELECT
    CAST((SELECT max(exposure_class) FROM exposure_classes)
         + row_number() OVER (ORDER BY entry_age_group, band_changes, first_change_year,
                                       change_2_after, change_3_after, end_year) AS USMALLINT),
    false, entry_age_group, band_changes, first_change_year, change_2_after, change_3_after, end_year
FROM (SELECT DISTINCT entry_age_group, band_changes, first_change_year, change_2_after,
             change_3_after, end_year
      FROM persons_staging
      WHERE linked);

INSERT INTO persons BY NAME
SELECT
    s.* EXCLUDE (cause_group, entry_age_group, band_changes, first_change_year, change_2_after,
                 change_3_after, end_year, death_class),
    c.exposure_class AS death_class
FROM persons_staging AS s
JOIN exposure_classes AS c USING (entry_age_group, band_changes, first_change_year, change_2_after,
                                   change_3_after, end_year)
WHERE NOT c.survivor AND s.linked
ORDER BY s.cause_group, s.person_id;

INSERT INTO persons BY NAME
SELECT * EXCLUDE (cause_group, entry_age_group, band_changes, first_change_year, change_2_after,
                  change_3_after, end_year)
FROM persons_staging
WHERE NOT linked
ORDER BY person_id;

DROP TABLE persons_staging;
