"""MinHash signatures of a clean text (near copies): shingles, the signer, the stored bytes.

Pure functions and values (numpy; datasketch on first use): the cleaning workers sign each
article where its text already is, and storage/dedup.py compares the stored signatures.
The scheme (datasketch's "affine32", seed, permutations, shingle size) is SCHEME, recorded
with every stored signature (article_minhash.scheme).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from .fingerprint import words

if TYPE_CHECKING:
    from datasketch import MinHash

NUM_PERM = 128


SHINGLE_WORDS = 5


MINHASH_SEED = 1


# datasketch >= 2.0 "affine32": 32-bit hash values, so a 128-permutation signature is 512 bytes
MINHASH_SCHEME = "affine32"


SIGNATURE_DTYPE = np.dtype("<u4")
#: the stored name of the scheme behind every signature: hash scheme, seed, permutations,
#: shingle words (a signature made with another scheme is not comparable)
SCHEME = f"{MINHASH_SCHEME}/s{MINHASH_SEED}/p{NUM_PERM}/w{SHINGLE_WORDS}"


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """The distinct size-word shingles of text (the whole text when shorter)."""
    tokens = words(text)
    if not tokens:
        return set()
    if len(tokens) <= size:
        return {" ".join(tokens).encode("utf-8")}
    return {" ".join(tokens[i : i + size]).encode("utf-8") for i in range(len(tokens) - size + 1)}


class Signer:
    """MinHash signatures with one set of permutations (made once: they are costly).

    datasketch is imported here, not with the module: it loads scipy (~0.8 s of CPU),
    which a crawl process whose cleaning workers sign the articles never needs."""

    def __init__(self, num_perm: int = NUM_PERM, seed: int = MINHASH_SEED) -> None:
        from datasketch import MinHash

        self._minhash_class = MinHash
        self.num_perm, self.seed = num_perm, seed
        self._permutations = MinHash(num_perm=num_perm, seed=seed,
                                     scheme=MINHASH_SCHEME).permutations

    def minhash(self, shingle_set: Iterable[bytes]) -> MinHash:
        sketch = self._minhash_class(num_perm=self.num_perm, seed=self.seed,
                                     permutations=self._permutations, scheme=MINHASH_SCHEME)
        sketch.update_batch(list(shingle_set))
        return sketch

    def signature(self, text: str) -> np.ndarray | None:
        """The hash values of text's shingles, or None for a text without words."""
        found = shingles(text)
        return self.minhash(found).hashvalues.astype(SIGNATURE_DTYPE) if found else None

    def from_values(self, values: np.ndarray) -> MinHash:
        return self._minhash_class(num_perm=self.num_perm, seed=self.seed, hashvalues=values,
                                   permutations=self._permutations, scheme=MINHASH_SCHEME)

    def from_bytes(self, blob: bytes) -> MinHash:
        return self.from_values(from_bytes(blob))


@functools.cache
def default_signer() -> Signer:
    """The default Signer, its permutations made once per process on first use."""
    return Signer()


def text_signature(text: str) -> bytes | None:
    """The stored form (to_bytes) of text's MinHash signature with the default Signer, or
    None for a text without words.

    What Deduplicator writes to article_minhash for an article with this exact text: a
    caller that already holds the text elsewhere (a cleaning worker process) computes it
    there and hands it over as PageRecord.signature, so store() does not have to.
    """
    values = default_signer().signature(text)
    return None if values is None else to_bytes(values)


def to_bytes(values: np.ndarray) -> bytes:
    return values.astype(SIGNATURE_DTYPE).tobytes()


def from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=SIGNATURE_DTYPE)


def estimated_jaccard(first: np.ndarray, second: np.ndarray) -> Any:
    """The share of equal MinHash values: a float, or one per row when first is a matrix of
    signatures."""
    return np.count_nonzero(first == second, axis=-1) / first.shape[-1]
