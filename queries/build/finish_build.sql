-- End of a build. Build helpers are not part of the data contract: drop them before the file is
-- published, then write everything from the WAL into the database file.
DROP MACRO IF EXISTS cause_group_of;
DROP MACRO IF EXISTS icd10_valid_in_year;
DROP MACRO IF EXISTS synth_birth_date;
DROP MACRO IF EXISTS icd10_normalised;
CHECKPOINT;
