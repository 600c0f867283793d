-- Row counts reported at the end of a build.
SELECT
    (SELECT count(*) FROM persons) AS persons,
    (SELECT count(*) FROM persons WHERE linked) AS linked,
    (SELECT count(*) FROM deaths) AS deaths,
    (SELECT count(*) FROM exposure_terms) AS exposure_terms_rows;
