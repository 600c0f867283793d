-- One chunk of persons (chunk_rows). Survivors go straight into persons with
-- their class; people who died and people not linked wait in persons_staging
-- (queries/build/finish_persons.sql).
INSERT INTO persons BY NAME
SELECT
    r.* EXCLUDE (cause_group, entry_age_group, band_changes, first_change_year, change_2_after,
                 change_3_after, end_year),
    c.exposure_class AS survivor_class
FROM chunk_rows AS r
JOIN exposure_classes AS c
  ON c.survivor
 AND c.entry_age_group = r.entry_age_group
 AND c.band_changes = r.band_changes
 AND c.first_change_year = r.first_change_year
 AND c.change_2_after = r.change_2_after
 AND c.change_3_after = r.change_3_after
 AND c.end_year = r.end_year
WHERE r.linked AND r.died = 0
ORDER BY r.person_id;

INSERT INTO persons_staging BY NAME
SELECT *
FROM chunk_rows
WHERE NOT (linked AND died = 0)
ORDER BY person_id;
