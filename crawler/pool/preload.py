"""Imported by the cleaning pool's forkserver only (crawler/pool/cleaning_pool.py).

Loads what every cleaning worker needs, once, before the workers are forked: the
language profiles (a 40 MB matrix the workers then share page for page) and the
MinHash permutations. A replaced worker starts without loading them again.
"""

import atexit
import os

from cleaners.language import language_model
from cleaners.minhash import default_signer
from crawler.pool.forkserver import remove_temp_dir

language_model()
default_signer()

# The forkserver holds nothing to finalise: when the crawl process ends, exit at once
# instead of tearing down the loaded models (~0.2 s the crawl's caller waits for, as the
# server shares its stdout). Forked workers end with os._exit and never run this.
atexit.register(os._exit, 0)
# ...after removing the crawl's pymp-* directory and the server's socket in it: the server
# ends when the crawl process is gone, and a killed crawl removed nothing (registered
# last, so it runs first).
atexit.register(remove_temp_dir)
