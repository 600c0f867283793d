-- Ingest, step 1 (CSV): the extract as read, every column as text, in file order (the table's
-- rowid is the row number minus 1). Parameter: $path.
CREATE OR REPLACE TEMP TABLE source_rows AS
SELECT * FROM read_csv($path, all_varchar = true, header = true);
