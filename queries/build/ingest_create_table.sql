-- A table of the dataset, with the columns and types its catalog declares.
-- Placeholders: {table}, {column_definitions} ('"person_id" INTEGER, ...').
CREATE TABLE {table} ({column_definitions});
