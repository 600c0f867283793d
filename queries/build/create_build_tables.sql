-- Work tables of a build (TEMP: never in the published file).
-- exposure_classes: one row per class tuple of queries/build/follow_up_exposure.sql. Survivors'
-- classes are numbered first (1, 2, ...), from every possible birth date, so a survivor's class
-- is known chunk by chunk; the classes of people who died are numbered after them at the end.
CREATE OR REPLACE TEMP TABLE exposure_classes (
    exposure_class USMALLINT,
    survivor BOOLEAN,
    entry_age_group UTINYINT,
    band_changes UTINYINT,
    first_change_year USMALLINT,
    change_2_after USMALLINT,
    change_3_after USMALLINT,
    end_year USMALLINT
);
-- People who died and people not linked wait here, so that persons is written in the order
-- survivors, deaths by cause group, not linked: a query for one outcome's deaths, or for the
-- survivors, then reads only the row groups that hold them (DuckDB zone maps).
CREATE OR REPLACE TEMP TABLE persons_staging AS
SELECT p.*, 0::UTINYINT AS cause_group, c.* EXCLUDE (exposure_class, survivor)
FROM persons AS p, exposure_classes AS c
WITH NO DATA;
