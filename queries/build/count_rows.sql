-- Row counts reported at the end of a build.
SELECT
    (SELECT count(*) FROM persons) AS persons,
    (SELECT count(*) FROM linkage WHERE linked) AS linked,
    (SELECT count(*) FROM deaths) AS deaths,
    (SELECT count(*) FROM person_time) AS person_time_rows;
