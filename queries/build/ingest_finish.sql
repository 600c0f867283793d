-- End of an ingest: the work tables go; everything is written from the WAL into the file.
DROP TABLE IF EXISTS source_rows;
DROP TABLE IF EXISTS source_values;
DROP TABLE IF EXISTS source_dates;
DROP TABLE IF EXISTS source_coded;
DROP TABLE IF EXISTS death_outcomes;
CHECKPOINT;
