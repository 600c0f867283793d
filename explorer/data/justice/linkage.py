"""Linking justice records to pupil records with Splink (Fellegi-Sunter) on DuckDB.

Runs in the build's in-memory connection, on the work tables ``justice_linkage_input`` and
``pupil_identifiers`` (queries/build/justice_work_tables.sql): ``link_only`` between the two.

* Blocking (which pairs are scored): BLOCKING_RULES, each chosen to catch the matches the
  others miss while keeping the pairs few (at the published size, 3.2 million pupils: about
  1,450 pupils share a date of birth, so date of birth alone would give ~200 million pairs):
  date of birth and the surname's first letter (about 90 pupils per justice record: names may
  differ in every way but the first letter of the surname); given name, surname and birth year
  (a wrong date of birth); postcode and birth year (names recorded differently, same address).
* Comparisons: given name and surname (exact, Jaro-Winkler >= 0.92, >= 0.80, else; the exact
  level adjusted for how common the name is, Splink's term-frequency adjustment), date of birth
  (exact, day and month swapped, two of day, month and year equal, else), sex (exact, else),
  postcode (exact, sector, district, area, else).
* Training: the prior (probability that two random records match) from deterministic rules
  with an assumed recall; u probabilities by random sampling (U_MAX_PAIRS pairs, seeded);
  m probabilities by expectation maximisation on two blocking rules (each trains the
  comparisons it does not block on; a comparison trained by both gets the median), starting
  from STARTING. Parameters are rounded to ROUND_DIGITS significant digits,
  so that floating-point sums taken in a different order (DuckDB's threads) cannot change a link.
* Decision: a pair is accepted at or above THRESHOLD_MATCH_WEIGHT, then one to one, best weight
  wins (queries/build/justice_one_to_one_round.sql).
"""

from __future__ import annotations

import logging
import math

import duckdb
import splink
import sqlglot
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
import splink.comparison_level_library as cll
import splink.comparison_library as cl

from explorer.data.sql import build_sql

JUSTICE_DATASET, PUPIL_DATASET = "justice", "pupils"
BLOCKING_RULES = (("dob", "surname_initial"), ("first_name", "surname", "birth_year"),
                  ("postcode", "birth_year"))
EM_BLOCKING_RULES = (("postcode", "birth_year"), ("first_name", "surname"))
EM_MAX_PAIRS = 2_000_000
DETERMINISTIC_RULES = (("first_name", "surname", "dob"), ("surname", "dob", "postcode"))
DETERMINISTIC_RECALL = 0.75
"""Assumed share of true matches the deterministic rules find (for the prior): exact names and
date of birth, or exact surname, date of birth and postcode, miss the records with a name
variant, a typo or a date error and a move [ASSUMED]."""
U_MAX_PAIRS = 20_000_000
ROUND_DIGITS = 10
THRESHOLD_MATCH_WEIGHT = 4.0
"""Accept a pair at a match weight of 4 or more: match probability 0.94, odds of 16 to 1 that
the two records are the same child. Precision first: a false link gives a child a caution that
is not theirs (and moves it between the groups of every breakdown), where a missed link is
measured (recall by group, shown beside the results). Measured on the synthetic truth (500,000
pupils, seed 2022, docs/data.md): weight 4 gives precision 99.97% and recall 94.5%; weight 0
(probability 0.5) 99.93% and 95.9%, twice as many false links for 1.4 points of recall; weight 6
loses another point of recall for no gain in precision. The pairs just above 4 are those agreeing
on names and date of birth but not postcode (about +4 to +6 after the prior at the default size,
less for common names, whose agreement counts for less with term-frequency adjustments)."""


STARTING = {
    "first_name": {"m_probabilities": [0.85, 0.07, 0.03, 0.05], "u_probabilities": [0.004, 0.004, 0.05, 0.942]},
    "surname": {"m_probabilities": [0.88, 0.05, 0.02, 0.05], "u_probabilities": [0.001, 0.002, 0.03, 0.967]},
    "dob": {"m_probabilities": [0.95, 0.02, 0.02, 0.01], "u_probabilities": [5e-4, 5e-6, 0.02, 0.9795]},
    "sex": {"m_probabilities": [0.99, 0.01], "u_probabilities": [0.5, 0.5]},
    "postcode": {"m_probabilities": [0.70, 0.05, 0.08, 0.07, 0.10],
                 "u_probabilities": [1e-6, 1e-4, 1e-3, 0.02, 0.978899]},
}
"""Starting m and u probabilities of every level, in level order (exact first, else last):
EM starts from them, and a level that neither random sampling nor EM observes (possible in a
small test build) keeps them [ASSUMED, typical of person linkage]."""


def _settings() -> SettingsCreator:
    """Splink settings: link_only, the blocking rules, the comparisons with their starting m
    and u (the prior is estimated in train)."""
    dob_levels = [
        cll.NullLevel("dob"),
        cll.ExactMatchLevel("dob"),
        cll.CustomLevel("day(dob_l) = month(dob_r) AND month(dob_l) = day(dob_r) "
                        "AND year(dob_l) = year(dob_r)", label_for_charts="day and month swapped"),
        cll.CustomLevel("(CAST(day(dob_l) = day(dob_r) AS INTEGER) + CAST(month(dob_l) = month(dob_r) "
                        "AS INTEGER) + CAST(year(dob_l) = year(dob_r) AS INTEGER)) = 2",
                        label_for_charts="two of day, month and year equal"),
        cll.ElseLevel(),
    ]
    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=1e-7,
        blocking_rules_to_generate_predictions=[block_on(*rule) for rule in BLOCKING_RULES],
        comparisons=[
            cl.JaroWinklerAtThresholds("first_name", [0.92, 0.80]).configure(
                term_frequency_adjustments=True, **STARTING["first_name"]),
            cl.JaroWinklerAtThresholds("surname", [0.92, 0.80]).configure(
                term_frequency_adjustments=True, **STARTING["surname"]),
            cl.CustomComparison(dob_levels, output_column_name="dob",
                                comparison_description="date of birth").configure(**STARTING["dob"]),
            cl.ExactMatch("sex").configure(**STARTING["sex"]),
            cl.PostcodeComparison("postcode").configure(**STARTING["postcode"]),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def _linker(connection: duckdb.DuckDBPyConnection, settings) -> Linker:
    database = DuckDBAPI(connection)
    tables = [database.register("justice_linkage_input", dataset_display_name=JUSTICE_DATASET),
              database.register("pupil_identifiers", dataset_display_name=PUPIL_DATASET)]
    return Linker(tables, settings, log_level=None)


def _rounded(model: dict) -> dict:
    """The model with m and u probabilities and the prior rounded to ROUND_DIGITS digits."""
    def rounded(value):
        return float(f"{value:.{ROUND_DIGITS}g}") if isinstance(value, float) else value

    model["probability_two_random_records_match"] = rounded(model["probability_two_random_records_match"])
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            for key in ("m_probability", "u_probability"):
                if key in level:
                    level[key] = rounded(level[key])
    return model


class quiet_splink:
    """Splink's log messages (progress, levels a small build does not observe) kept off the
    command line while the build runs; errors still show."""

    def __enter__(self):
        self._logger = logging.getLogger("splink")
        self._level = self._logger.level
        self._logger.setLevel(logging.ERROR)

    def __exit__(self, *exc):
        self._logger.setLevel(self._level)


def train(connection: duckdb.DuckDBPyConnection, seed: int) -> dict:
    """Train the model on the work tables; returns Splink's model dictionary (rounded)."""
    linker = _linker(connection, _settings())
    linker.training.estimate_probability_two_random_records_match(
        [block_on(*rule) for rule in DETERMINISTIC_RULES], recall=DETERMINISTIC_RECALL)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=seed)
    for rule in EM_BLOCKING_RULES:
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(*rule), estimate_without_term_frequencies=True, max_pairs=EM_MAX_PAIRS)
    model = _rounded(linker.misc.save_model_to_json())
    linker.table_management.delete_tables_created_by_splink_from_db()
    return model


def predict(connection: duckdb.DuckDBPyConnection, model: dict) -> None:
    """Score every blocked pair with ``model``; leaves the pairs in the work table
    candidate_pairs (queries/build/justice_candidate_pairs.sql)."""
    linker = _linker(connection, model)
    predictions = linker.inference.predict(warning_mode="never")
    connection.table(predictions.physical_name).create_view("splink_predictions")
    connection.execute(build_sql("justice_candidate_pairs"), {"justice_dataset": JUSTICE_DATASET})
    connection.execute(build_sql("justice_drop_predictions_view"))
    linker.table_management.delete_tables_created_by_splink_from_db()


def resolve_one_to_one(connection: duckdb.DuckDBPyConnection) -> int:
    """Accept pairs at or above the threshold, one to one; returns the rounds taken."""
    connection.execute(build_sql("justice_links_table"))
    connection.execute(build_sql("justice_open_pairs"), {"threshold_match_weight": THRESHOLD_MATCH_WEIGHT})
    rounds = 0
    while connection.execute(build_sql("justice_open_pair_count")).fetchone()[0]:
        connection.execute(build_sql("justice_one_to_one_round"))
        rounds += 1
    return rounds


MODEL_COLUMNS = ["comparison", "level", "m_probability", "u_probability", "match_weight"]


def model_rows(model: dict) -> list[dict]:
    """One row per comparison level (null levels, which carry no evidence, left out)."""
    rows = []
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level["m_probability"], level["u_probability"]
            rows.append({"comparison": comparison["output_column_name"],
                         "level": level["label_for_charts"], "m_probability": m,
                         "u_probability": u, "match_weight": round(math.log2(m / u), 6)})
    return rows


def settings_rows(model: dict, pairs_by_rule: list[tuple[int, int]], rounds: int) -> list[dict]:
    """The run's settings, one (setting, value) row each."""
    prior = model["probability_two_random_records_match"]
    threshold_probability = 1.0 / (1.0 + 2.0 ** -THRESHOLD_MATCH_WEIGHT)
    values = [("link_type", "link_only: justice records to pupils"),
              ("splink_version", splink.__version__), ("sqlglot_version", sqlglot.__version__)]
    for number, rule in enumerate(BLOCKING_RULES, start=1):
        sql = block_on(*rule).get_blocking_rule("duckdb").blocking_rule_sql
        values.append((f"blocking_rule_{number}", sql))
        values.append((f"blocking_rule_{number}_pairs", str(dict(pairs_by_rule).get(number - 1, 0))))
    values += [
        ("pairs_compared", str(sum(count for _, count in pairs_by_rule))),
        ("comparisons", "first_name, surname (exact with term-frequency adjustment, Jaro-Winkler "
                        "0.92, 0.80); dob (exact, day and month swapped, two of three parts equal); "
                        "sex; postcode (full, sector, district, area)"),
        ("probability_two_random_records_match", f"{prior:.6g}"),
        ("prior_match_weight", f"{math.log2(prior / (1 - prior)):.4f}"),
        ("prior_from", f"deterministic rules {DETERMINISTIC_RULES}, assumed recall {DETERMINISTIC_RECALL}"),
        ("u_probabilities", f"random sampling, {U_MAX_PAIRS} pairs, seeded with the build's seed"),
        ("m_probabilities", f"expectation maximisation blocked on {EM_BLOCKING_RULES}, "
                            f"up to {EM_MAX_PAIRS} pairs each"),
        ("threshold_match_weight", f"{THRESHOLD_MATCH_WEIGHT}"),
        ("threshold_match_probability", f"{threshold_probability:.6f}"),
        ("one_to_one", f"best match weight wins; {rounds} rounds"),
    ]
    return [{"setting": name, "value": value} for name, value in values]
