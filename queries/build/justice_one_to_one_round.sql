-- One round of one-to-one resolution, best weight wins: accept every open pair that is the best
-- of both its justice record and its pupil (ties broken by the other side's id), then close
-- every pair touching an accepted record. Repeated until no pair is open, this accepts exactly
-- the pairs a greedy pass in descending weight would.
INSERT INTO links
SELECT justice_id, person_id, match_weight, match_probability
FROM (
    SELECT *,
        row_number() OVER (PARTITION BY justice_id ORDER BY match_weight DESC, person_id) AS rank_justice,
        row_number() OVER (PARTITION BY person_id ORDER BY match_weight DESC, justice_id) AS rank_pupil
    FROM open_pairs
)
WHERE rank_justice = 1 AND rank_pupil = 1;
DELETE FROM open_pairs
WHERE justice_id IN (SELECT justice_id FROM links) OR person_id IN (SELECT person_id FROM links);
