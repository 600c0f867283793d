-- One chunk of persons (chunk_rows). Survivors go straight into persons with
-- their class; people who died and people not linked wait in persons_staging
-- (queries/build/finish_persons.sql).
INSERT INTO persons BY NAME
SELECT
    r.* EXCLUDE (cause_group, entry_age_group, band_changes, first_change_year, change_2_after,
                 change_3_after, end_year),
    c.exposure_class AS survivor_class
FROM chunk_rows AS r
JOIN exposure_classes AS c USING (entry_age_group, band_changes, first_change_year, change_2_after,
                                   change_3_after, end_year)
WHERE c.survivor AND r.linked AND r.died = 0
ORDER BY r.person_id;

INSERT INTO persons_staging BY NAME
SELECT *
FROM chunk_rows
WHERE NOT (linked AND died = 0)
ORDER BY person_id;
