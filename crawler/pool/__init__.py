"""The cleaning pool: clean_page in worker processes off the reactor, and their forkserver."""
