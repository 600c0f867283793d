-- The column names of the extract as read.
SELECT column_name FROM (DESCRIBE source_rows);
