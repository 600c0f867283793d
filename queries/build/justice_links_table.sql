-- The accepted links (filled by justice_one_to_one_round.sql) and each justice record's best
-- candidate, accepted or not.
CREATE TABLE links (justice_id INTEGER, person_id INTEGER, match_weight DOUBLE, match_probability DOUBLE);
CREATE TABLE best_candidates AS
SELECT justice_id, max(match_probability) AS match_probability
FROM candidate_pairs
GROUP BY justice_id;
