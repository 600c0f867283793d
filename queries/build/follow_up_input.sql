-- The followed persons of person_rows, as input to queries/build/follow_up_exposure.sql.
CREATE OR REPLACE TEMP TABLE follow_up_input AS
SELECT person_id, birth_date, entry_date, exit_date
FROM person_rows
WHERE linked;
