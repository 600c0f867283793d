-- Ingest, step 1 (Parquet): the extract as read, every column as text, in file order (the
-- table's rowid is the row number minus 1). Parameter: $path.
CREATE OR REPLACE TEMP TABLE source_rows AS
SELECT COLUMNS(*)::VARCHAR FROM read_parquet($path);
