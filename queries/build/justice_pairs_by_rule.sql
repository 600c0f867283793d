-- Pairs scored, by the blocking rule that produced them (match_key, 0-based), and in all.
SELECT match_key, count(*) FROM candidate_pairs GROUP BY match_key ORDER BY match_key;
