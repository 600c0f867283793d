"""Build the synthetic census_mortality DuckDB database, chunk by chunk, deterministically.

Persons are generated in fixed-size chunks; chunk ``i`` draws all its random numbers from
``numpy.random.default_rng([seed, i])`` and chunks are written in order, so the same
(persons, seed) gives the same table contents whatever the machine's thread count. Only one chunk
is held in memory at a time. The database is person-level (docs/data-model.md): one row per
person with entry, exit and cause, plus the exposure index (explorer.data.exposure_index) from
which queries compute person-years by attained age band and calendar year.
"""

from __future__ import annotations

import collections
import concurrent.futures
import multiprocessing
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pandas as pd

from explorer.errors import ExplorerError
from explorer.data import exposure_index
from explorer.data.database_file import remove_database, replace_database, temporary_beside
from explorer.data import parameters as P
from explorer.data.linkage import generate_linkage
from explorer.data.mortality import simulate_deaths
from explorer.data.population import generate_persons
from explorer.data.sql import build_sql

if TYPE_CHECKING:
    from explorer.data.justice.build import JusticeBuildReport

DATASETS = ("census_mortality", "justice_education")
CHUNK_PERSONS = 1_000_000
GENERATOR_PROCESSES = 2
"""Worker processes simulating chunks while the main process writes them (the machine has 2 cores)."""
PREFETCH_CHUNKS = 2
"""Chunks generated ahead of the writer at most (each about 35 MB)."""


@dataclass(frozen=True)
class BuildReport:
    """What a build produced."""

    dataset: str
    persons: int
    linked: int
    deaths: int
    exposure_terms_rows: int
    seed: int
    seconds: float
    path: Path

    def summary(self) -> str:
        """One human line describing the build."""
        return (f"built {self.dataset}: {self.persons:,} persons, {self.linked:,} linked "
                f"({self.linked / max(self.persons, 1):.1%}), {self.deaths:,} deaths, "
                f"{self.exposure_terms_rows:,} exposure terms, seed {self.seed}, "
                f"{self.seconds:.1f} s -> {self.path}")


def chunk_sizes(persons: int, chunk_persons: int | None = None) -> list[int]:
    """Sizes of the fixed-size chunks (CHUNK_PERSONS unless given; the last may be smaller)."""
    chunk_persons = chunk_persons or CHUNK_PERSONS
    full, rest = divmod(persons, chunk_persons)
    return [chunk_persons] * full + ([rest] if rest else [])


def build_dataset(dataset: str, persons: int, seed: int, out: Path) -> BuildReport | JusticeBuildReport:
    """Build ``dataset`` with ``persons`` persons from ``seed`` into the DuckDB file ``out``;
    returns a report with a one-line ``summary()`` (a BuildReport, or for justice_education a
    JusticeBuildReport: explorer.data.justice.build).

    The database is written to a temporary file beside ``out`` and renamed over it at the end,
    so readers never see a half-built file.
    """
    if dataset not in DATASETS:
        raise ExplorerError(f"unknown dataset {dataset!r}; the synthetic builder knows "
                            f"{', '.join(DATASETS)}")
    if int(persons) < 1:
        raise ExplorerError("the number of persons must be a positive whole number")
    if dataset == "justice_education":  # imported here: the census build does not load Splink
        from explorer.data.justice.build import build_justice_education

        return build_justice_education(int(persons), int(seed), Path(out))
    started = time.perf_counter()
    out = Path(out)
    temporary = temporary_beside(out, "building")
    try:
        with _open_database(temporary) as connection:
            _write_tables(connection, int(persons), int(seed))
            connection.execute(build_sql("finish_build"))
            counts = connection.execute(build_sql("count_rows")).fetchall()[0]
        replace_database(temporary, out)
    finally:
        remove_database(temporary)
    return BuildReport(dataset=dataset, persons=counts[0], linked=counts[1], deaths=counts[2],
                       exposure_terms_rows=counts[3], seed=int(seed),
                       seconds=time.perf_counter() - started, path=out)


def _write_tables(connection: duckdb.DuckDBPyConnection, persons: int, seed: int) -> None:
    connection.execute(build_sql("macros"))
    connection.execute(build_sql("create_tables"))
    exposure_index.create_work_tables(connection, P.CENSUS_DAY, P.FOLLOW_UP_END)
    for chunk, linkage, deaths in _generated_chunks(persons, seed):
        _insert_chunk(connection, chunk, linkage, deaths)
    exposure_index.finish(connection, P.CENSUS_DAY, P.FOLLOW_UP_END)


Chunk = tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray]]


def generate_chunk(seed: int, chunk_index: int, first_person_id: int, size: int) -> Chunk:
    """Persons, linkage and deaths of one chunk, from its own random stream [seed, chunk_index]."""
    rng = np.random.default_rng([seed, chunk_index])
    chunk = generate_persons(rng, first_person_id, size)
    linkage = generate_linkage(rng, chunk)
    deaths = simulate_deaths(rng, chunk, at_risk=linkage["linked"])
    return chunk, linkage, deaths


def _generated_chunks(persons: int, seed: int) -> Iterator[Chunk]:
    """The chunks in order. With more than one chunk, GENERATOR_PROCESSES worker processes
    generate ahead (at most PREFETCH_CHUNKS waiting) while this process writes: the numpy
    simulation and DuckDB's writing then share the machine's cores. Each chunk has its own
    random stream, so the contents do not depend on which process made it."""
    sizes = chunk_sizes(persons)
    starts = np.cumsum([1, *sizes[:-1]]).tolist()
    jobs = [(seed, index, first, size) for index, (first, size) in enumerate(zip(starts, sizes))]
    if len(jobs) == 1:
        yield generate_chunk(*jobs[0])
        return
    context = multiprocessing.get_context("spawn")  # no forked copy of DuckDB's threads
    with concurrent.futures.ProcessPoolExecutor(GENERATOR_PROCESSES, mp_context=context) as pool:
        pending: collections.deque = collections.deque()
        for job in jobs:
            pending.append(pool.submit(generate_chunk, *job))
            if len(pending) > PREFETCH_CHUNKS:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _insert_chunk(connection: duckdb.DuckDBPyConnection, chunk: dict[str, np.ndarray],
                  linkage: dict[str, np.ndarray], deaths: dict[str, np.ndarray]) -> None:
    frames = {
        "chunk_persons": pd.DataFrame(chunk),
        "chunk_linkage": pd.DataFrame(linkage),
        "chunk_deaths": pd.DataFrame(deaths),
    }
    for name, frame in frames.items():
        connection.register(name, frame)
    try:
        connection.execute(build_sql("insert_linkage"))
        connection.execute(build_sql("insert_deaths"))
        ids = {"first_person_id": int(chunk["person_id"][0]),
               "last_person_id": int(chunk["person_id"][-1])}
        connection.execute(build_sql("synth_person_rows"),
                           {"start": P.CENSUS_DAY, "end": P.FOLLOW_UP_END, **ids})
        exposure_index.add_person_rows(connection, P.CENSUS_DAY, P.FOLLOW_UP_END)
    finally:
        for name in frames:
            connection.unregister(name)


def _open_database(path: Path) -> duckdb.DuckDBPyConnection:
    """A connection to the database being built (tests patch this to vary the thread count)."""
    connection = duckdb.connect(str(path))
    connection.execute(build_sql("session"))
    return connection

