"""Build the synthetic justice_education database: pupils, justice records, the Splink linkage.

Steps (docs/data.md, "The justice-education dataset"):

1. Pupils are generated in chunks of CHUNK_PUPILS; chunk ``i`` draws from
   ``numpy.random.default_rng([seed, i, stream])`` (one stream per step), so the same (pupils,
   seed) gives the same data on any machine and thread count. Each chunk also yields the
   justice records of its pupils who offend and of children outside the cohort
   (parameters.OUT_OF_COHORT_SHARE), each side with its own identifiers.
2. Everything goes into an in-memory DuckDB connection (identifiers included); justice records
   get ids in a random order.
3. Splink links justice records to pupils (explorer.data.justice.linkage).
4. Only the published tables, without identifiers, are written to a temporary file beside the
   output, renamed over it at the end (explorer.data.database_file).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from explorer.data.database_file import remove_database, replace_database, temporary_beside
from explorer.data.justice import linkage
from explorer.data.justice import parameters as P
from explorer.data.justice.identifiers import (
    copy_with_errors, npd_rates, postcode_areas, true_identities,
)
from explorer.data.justice.justice_records import justice_table, pupil_table
from explorer.data.justice.offending import simulate_offending
from explorer.data.justice.pupils import generate_pupils
from explorer.data.sql import build_sql

DATASET = "justice_education"
CHUNK_PUPILS = 1_000_000
STREAMS = {"pupils": 0, "offending": 1, "identity": 2, "school_record": 3, "outside": 4,
           "outside_offending": 5, "outside_identity": 6, "justice_record": 7, "keys": 8}
"""Random streams of a chunk: default_rng([seed, chunk, stream])."""


@dataclass(frozen=True)
class JusticeBuildReport:
    """What a justice_education build produced, with the linkage quality from the synthetic truth."""

    dataset: str
    persons: int
    justice_records: int
    links: int
    correct_links: int
    true_matches: int
    seed: int
    seconds: float
    path: Path

    @property
    def precision(self) -> float:
        return self.correct_links / max(self.links, 1)

    @property
    def recall(self) -> float:
        return self.correct_links / max(self.true_matches, 1)

    def summary(self) -> str:
        """One human line describing the build."""
        return (f"built {self.dataset}: {self.persons:,} pupils, {self.justice_records:,} justice "
                f"records, {self.links:,} links (precision {self.precision:.1%}, recall "
                f"{self.recall:.1%}), seed {self.seed}, {self.seconds:.1f} s -> {self.path}")


def chunk_sizes(persons: int) -> list[int]:
    full, rest = divmod(persons, CHUNK_PUPILS)
    return [CHUNK_PUPILS] * full + ([rest] if rest else [])


def generate_chunk(seed: int, chunk: int, first_person_id: int, size: int) -> tuple[pa.Table, pa.Table]:
    """One chunk's pupils (characteristics and school-record identifiers) and justice records
    (what they hold, the true pupil, their identifiers), as Arrow tables."""
    def rng(stream: str) -> np.random.Generator:
        return np.random.default_rng([seed, chunk, STREAMS[stream]])

    pupils = generate_pupils(rng("pupils"), first_person_id, size)
    offending = simulate_offending(rng("offending"), pupils)
    identity = true_identities(rng("identity"), pupils)
    school = copy_with_errors(rng("school_record"), identity, npd_rates(size), pupils)
    keys = rng("keys")
    # Children outside the cohort who offend: the same models, and no pupil record.
    outside = generate_pupils(rng("outside"), 0, round(size * P.OUT_OF_COHORT_SHARE
                                                        / (1 - P.OUT_OF_COHORT_SHARE)))
    outside["twin"][:] = False
    justice = justice_table(
        rng("justice_record"), keys, first_record=chunk * 10 * CHUNK_PUPILS,
        inside=(pupils, offending, identity),
        outside=(outside, simulate_offending(rng("outside_offending"), outside),
                 true_identities(rng("outside_identity"), outside)))
    return pupil_table(pupils, offending, school, keys), justice


def build_justice_education(persons: int, seed: int, out: Path) -> JusticeBuildReport:
    """Build the database for ``persons`` pupils from ``seed`` into ``out`` (atomically)."""
    started = time.perf_counter()
    out = Path(out)
    with _open_work() as work, linkage.quiet_splink():
        _generate(work, persons, seed)
        model = linkage.train(work, seed)
        linkage.predict(work, model)
        rounds = linkage.resolve_one_to_one(work)
        pairs = work.execute(build_sql("justice_pairs_by_rule")).fetchall()
        published = {
            "published_pupils": work.sql(build_sql("justice_published_pupils")).to_arrow_table(),
            "published_records": work.sql(build_sql("justice_published_records")).to_arrow_table(),
            "published_model": pd.DataFrame(linkage.model_rows(model), columns=linkage.MODEL_COLUMNS),
            "published_settings": pd.DataFrame(linkage.settings_rows(model, pairs, rounds),
                                               columns=["setting", "value"]),
        }
    temporary = temporary_beside(out, "building")
    try:
        with duckdb.connect(str(temporary)) as connection:
            connection.execute(build_sql("justice_create_tables"))
            for name, table in published.items():
                connection.register(name, table)
            connection.execute(build_sql("justice_write_published"))
            counts = connection.execute(build_sql("justice_summary")).fetchone()
        replace_database(temporary, out)
    finally:
        remove_database(temporary)
    return JusticeBuildReport(DATASET, counts[0], counts[1], int(counts[2] or 0), int(counts[3] or 0),
                              int(counts[4] or 0), int(seed), time.perf_counter() - started, out)


def _open_work() -> duckdb.DuckDBPyConnection:
    """The in-memory work connection (tests patch this to vary the thread count)."""
    return duckdb.connect(":memory:")


def _generate(work: duckdb.DuckDBPyConnection, persons: int, seed: int) -> None:
    codes, _, _ = postcode_areas()
    work.register("postcode_area_codes", pd.DataFrame({"area": np.arange(len(codes)), "code": codes}))
    work.execute(build_sql("justice_work_tables"))
    work.unregister("postcode_area_codes")
    first = 1
    for chunk, size in enumerate(chunk_sizes(persons)):
        pupils, justice = generate_chunk(seed, chunk, first, size)
        first += size
        work.register("chunk_pupils", pupils)
        work.register("chunk_justice", justice)
        for name in ("justice_insert_pupils", "justice_insert_pupil_identifiers",
                     "justice_insert_justice", "justice_insert_justice_identifiers"):
            work.execute(build_sql(name))
        work.unregister("chunk_pupils")
        work.unregister("chunk_justice")
    work.execute(build_sql("justice_number_records"))
