-- One chunk of pupils (registered as chunk_pupils: characteristics as catalog codes, the
-- school record's identifiers as parts) into the work tables.
INSERT INTO pupil_rows
SELECT person_id, sex, ethnicity, fsm, sen, persistent_absence, suspension, permanent_exclusion,
       alternative_provision, social_care, ks4_attainment, region, birth_cohort, record_key,
       has_justice_record
FROM chunk_pupils
ORDER BY person_id;
