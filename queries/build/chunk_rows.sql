-- person_rows with each followed person's exposure index and class tuple (follow_up_exposure).
CREATE OR REPLACE TEMP TABLE chunk_rows AS
SELECT r.*, e.* EXCLUDE (person_id)
FROM person_rows AS r
LEFT JOIN follow_up_exposure AS e ON e.person_id = r.person_id;
