"""The in-memory LSH index of stored MinHash signatures: MinHashLSH's bands and rows, compact.

BandIndex holds 32-bit band keys in sorted numpy runs; LshIndex is a process's BandIndex over
article_minhash, loaded lazily from the stored signatures and caught up by id.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Connection, select

from cleaners.minhash import NUM_PERM, SCHEME, SIGNATURE_DTYPE

from .models import ArticleMinHash
from .sqlhelp import chunks

# Gauss-Legendre nodes and weights on [-1, 1]: 96 nodes integrate a polynomial of degree
# up to 191 exactly, and the LSH error integrands are polynomials of degree b * r <= num_perm
_GAUSS_NODES, _GAUSS_WEIGHTS = np.polynomial.legendre.leggauss(96)


def _integral(values: Any, low: float, high: float) -> float:
    """The integral over [low, high] of values(s), a numpy function of s."""
    if high <= low:
        return 0.0
    half = (high - low) / 2
    return float(half * np.dot(_GAUSS_WEIGHTS, values(half * _GAUSS_NODES + (high + low) / 2)))


def _lsh_error(threshold: float, bands: int, rows: int) -> float:
    """False positive plus false negative probability mass of bands x rows at threshold."""
    def missed(s: np.ndarray) -> np.ndarray:  # a pair of similarity s shares no band
        return (1 - s ** rows) ** bands

    return _integral(lambda s: 1 - missed(s), 0.0, threshold) + _integral(missed, threshold, 1.0)


@functools.cache
def bands_and_rows(threshold: float, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """The LSH bands and rows (b * r <= num_perm) that minimise the sum of the false
    positive and false negative probabilities at threshold: datasketch.MinHashLSH's
    choice (equal weights), computed without scipy (datasketch's integrates with
    scipy.integrate.quad; tests/test_dedup.py checks the two agree)."""
    pairs = [(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)]
    return min(pairs, key=lambda pair: _lsh_error(threshold, *pair))


_MIX = np.uint64(0x100000001B3)  # FNV-1a 64-bit prime


_SEED = np.uint64(0xCBF29CE484222325)


_AVALANCHE = np.uint64(0xFF51AFD7ED558CCD)


_SHIFT, _HALF = np.uint64(33), np.uint64(32)


class BandIndex:
    """Banded MinHash LSH (datasketch's optimal bands and rows for the threshold) kept in
    sorted numpy runs: 8 bytes per band entry (a 32-bit band key and a 32-bit id), about
    200 bytes per article, where datasketch.MinHashLSH's dict-of-sets storage takes ~7.5 KB.
    A 32-bit key shared by two different bands (at 50,000 articles, about one query in a
    hundred meets one) only adds a candidate, which the caller checks against the stored
    signature like every other.

    New entries go to a small dict; full dicts become sorted runs, merged like a binary
    counter, so an insert costs amortised O(log n) and a query one searchsorted per run.
    Runs stop merging at MAX_RUN entries: merging two runs briefly needs about three
    times their size, which for one run of everything would be a memory peak growing
    with the store (~30 MB at 50,000 articles); capped, it stays under ~7 MB, for one
    searchsorted more per 10,000 articles in a query.
    Entries are never removed: a stale or rolled-back entry only yields a candidate that
    the caller verifies against the stored signature.
    """

    BUFFER = 8192  # band entries held in the dict before they become a run
    MAX_RUN = 262_144  # band entries in the largest run (2 MB; ~10,000 articles)

    def __init__(self, threshold: float, num_perm: int = NUM_PERM) -> None:
        self.bands, self.rows = bands_and_rows(threshold, num_perm)
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []
        self._buffer: dict[int, list[int]] = {}
        self._buffered = 0
        self.size = 0  # articles inserted

    def keys(self, values: np.ndarray) -> np.ndarray:
        """Band keys of one signature (or of a matrix of signatures, one per row)."""
        matrix = np.atleast_2d(values).astype(np.uint64)
        used = matrix[:, : self.bands * self.rows].reshape(len(matrix), self.bands, self.rows)
        keys = np.broadcast_to(np.arange(self.bands, dtype=np.uint64) ^ _SEED,
                               (len(matrix), self.bands)).copy()
        with np.errstate(over="ignore"):
            for column in range(self.rows):
                keys = (keys ^ used[:, :, column]) * _MIX
            keys ^= keys >> _SHIFT  # murmur3's finaliser: every bit of the band in the top 32
            keys *= _AVALANCHE
            keys ^= keys >> _SHIFT
        short = (keys >> _HALF).astype(np.uint32)
        return short if values.ndim == 2 else short[0]

    def insert(self, article_id: int, values: np.ndarray) -> None:
        for key in self.keys(values).tolist():
            self._buffer.setdefault(key, []).append(article_id)
        self._buffered += self.bands
        self.size += 1
        if self._buffered >= self.BUFFER:
            self._flush()

    def insert_many(self, ids: np.ndarray, matrix: np.ndarray) -> None:
        """Bulk insert (a rebuild): one sorted run for the lot."""
        step = max(1, self.MAX_RUN // self.bands)  # articles per run
        for start in range(0, len(ids), step):
            keys = self.keys(matrix[start:start + step]).ravel()
            self._add_run(keys, np.repeat(ids[start:start + step].astype(np.int32), self.bands))
        self.size += len(ids)

    def query(self, values: np.ndarray) -> set[int]:
        keys = self.keys(values)
        found: set[int] = set()
        for key in keys.tolist():
            found.update(self._buffer.get(key, ()))
        for run_keys, run_ids in self._runs:
            left = np.searchsorted(run_keys, keys, "left")
            right = np.searchsorted(run_keys, keys, "right")
            for start, stop in zip(left[right > left].tolist(), right[right > left].tolist(),
                                   strict=True):
                found.update(run_ids[start:stop].tolist())
        return found

    def nbytes(self) -> int:
        return sum(k.nbytes + i.nbytes for k, i in self._runs) + self._buffered * 8

    def _flush(self) -> None:
        keys = np.fromiter((k for k, ids in self._buffer.items() for _ in ids), np.uint32,
                           self._buffered)
        ids = np.fromiter((i for ids in self._buffer.values() for i in ids), np.int32,
                          self._buffered)
        self._buffer, self._buffered = {}, 0
        self._add_run(keys, ids)

    def _add_run(self, keys: np.ndarray, ids: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")
        self._runs.append((keys[order], ids[order]))
        while (len(self._runs) > 1 and len(self._runs[-2][0]) <= 2 * len(self._runs[-1][0])
               and len(self._runs[-2][0]) + len(self._runs[-1][0]) <= self.MAX_RUN):
            (k1, i1), (k2, i2) = self._runs.pop(), self._runs.pop()
            keys, ids = np.concatenate((k2, k1)), np.concatenate((i2, i1))
            order = np.argsort(keys, kind="stable")
            self._runs.append((keys[order], ids[order]))


@dataclass
class LshIndex:
    """The process's BandIndex over stored signatures; loaded lazily, caught up by id."""

    threshold: float
    num_perm: int = NUM_PERM
    bands: BandIndex | None = None
    # every committed signature with article_id <= watermark is loaded (writers are
    # serialised and ids grow, so a newer row always has a larger id)
    watermark: int = 0
    pending: set[int] = field(default_factory=set)  # added by a transaction not yet seen done
    loads: int = 0  # signature rows read from the database (tests, bench)

    def reset(self) -> None:
        self.bands, self.watermark, self.pending = None, 0, set()

    def sync(self, connection: Connection, chunk: int = 50_000) -> None:
        """Make the index hold every stored signature (first use: all of them)."""
        if self.pending:
            if existing_ids(connection, self.pending) != self.pending:
                self.reset()  # the transaction that added them rolled back
            else:
                self.watermark = max(self.watermark, *self.pending)
                self.pending = set()
        if self.bands is None:
            self.bands = BandIndex(self.threshold, self.num_perm)
        table = ArticleMinHash.__table__
        result = connection.execute(
            select(table.c.article_id, table.c.signature)
            .where(table.c.article_id > self.watermark, table.c.scheme == SCHEME)
            .order_by(table.c.article_id)
            .execution_options(yield_per=chunk)
        )
        for rows in result.partitions(chunk):
            ids = np.fromiter((row[0] for row in rows), np.int64, len(rows))
            matrix = np.frombuffer(b"".join(row[1] for row in rows), dtype=SIGNATURE_DTYPE)
            self.bands.insert_many(ids, matrix.reshape(len(rows), self.num_perm))
            self.loads += len(rows)
            self.watermark = max(self.watermark, int(ids[-1]))

    def candidates(self, values: np.ndarray) -> list[int]:
        assert self.bands is not None
        return sorted(self.bands.query(values))

    def add(self, article_id: int, values: np.ndarray) -> None:
        assert self.bands is not None
        self.bands.insert(article_id, values)
        self.pending.add(article_id)


def existing_ids(connection: Connection, ids: Iterable[int]) -> set[int]:
    table = ArticleMinHash.__table__
    found: set[int] = set()
    wanted = sorted(ids)
    for chunk in chunks(wanted):
        found.update(connection.scalars(
            select(table.c.article_id).where(table.c.article_id.in_(chunk))))
    return found
