-- The published rows (registered by the builder from the in-memory work connection) into the
-- database file's tables, in their order.
INSERT INTO pupils BY NAME SELECT * FROM published_pupils;
INSERT INTO justice_records BY NAME SELECT * FROM published_records;
INSERT INTO linkage_model BY NAME SELECT * FROM published_model;
INSERT INTO linkage_settings BY NAME SELECT * FROM published_settings;
