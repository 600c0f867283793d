-- schema_columns: every column of the database's main schema with its type, to compare the
-- database with the catalog (QueryRunner.schema_mismatches). No parameters, no placeholders.
SELECT table_name, column_name, data_type
FROM information_schema.columns
WHERE table_schema = 'main'
