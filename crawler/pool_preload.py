"""Imported by the cleaning pool's forkserver only (crawler/cleaning_pool.py).

Loads what every cleaning worker needs, once, before the workers are forked: the
language profiles (a 40 MB matrix the workers then share page for page) and the
MinHash permutations. A replaced worker starts without loading them again.
"""

from cleaners.language import language_model
from storage.dedup import default_signer

language_model()
default_signer()
