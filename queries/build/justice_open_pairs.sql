-- The pairs at or above the match-weight threshold, to be resolved one to one; links collects
-- the accepted ones. Parameters: $threshold_match_weight.
CREATE TABLE open_pairs AS
SELECT justice_id, person_id, match_weight, match_probability
FROM candidate_pairs
WHERE match_weight >= $threshold_match_weight;
