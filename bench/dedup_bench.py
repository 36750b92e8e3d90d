"""Near-duplicate detection: threshold tuning on a labelled set, and cost at scale.

    python bench/dedup_bench.py tune [--data ../shared/data/wcxb/dev]
    python bench/dedup_bench.py memory --n 100000 [--near-share 0.2]
    python bench/dedup_bench.py store --n 100000 [--db sqlite:///...] [--batch 100]
    python bench/dedup_bench.py rebuild --db sqlite:///...      (LSH from stored signatures)

tune: builds a labelled set of article pairs from wcxb ground-truth texts (positives:
copies with other boilerplate, light edits, trimmed tails, a long "More News" tail;
negatives: other articles, different articles sharing teaser sentences, rewrites),
then reports precision/recall of the full check (LSH candidate + estimated Jaccard >=
t) per threshold on a tuning half and the chosen threshold's on the held-out half.

memory: synthetic articles (real paragraphs, shuffled and edited, a known share of
near-duplicates) through signature + LSH query + insert, in memory: ms/article per
stage, articles/s, RSS growth, and the clustering's pairwise P/R against the truth.

store: the same articles through Repository.store (SQLite by default) with the
dedup hook on, and a slice with it off, so the hook's ms/article is the difference.
Run by hand; numbers depend on the machine and on what else it is doing.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from cleaners.minhash import Signer, estimated_jaccard, shingles  # noqa: E402
from storage.dedup import DEFAULT_NEAR_DUP_THRESHOLD  # noqa: E402
from storage.lsh import BandIndex  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "wcxb" / "dev"
TICKERS = ("AIRLINK", "BOP", "CNERGY", "FCCL", "HUBC", "KEL", "OGDC", "PPL", "PRL", "SSGC",
           "TRG", "KSE100", "KSE30", "DJIA", "FTSE", "DAX", "NIKKEI", "BRENT")
FOOTERS = ("Comments", "200 characters", "Share this article", "Follow us on X",
           "Subscribe to our newsletter", "Copyright 2025. All rights reserved.",
           "Reporting by staff; Editing by the desk", "Read more:", "Advertisement")


# --- corpus -----------------------------------------------------------------------


def load_articles(data: Path, min_words: int = 150) -> list[list[str]]:
    """Paragraphs of every article ground truth with at least min_words words."""
    articles = []
    for truth in sorted((data / "ground-truth").glob("*.json")):
        meta = json.loads(truth.read_text("utf-8"))
        kind = ((meta.get("_internal") or {}).get("page_type") or {}).get("primary", "article")
        body = (meta.get("ground_truth") or {}).get("main_content") or ""
        if kind != "article" or len(body.split()) < min_words:
            continue
        paragraphs = [p.strip() for p in body.split("\n") if len(p.split()) >= 4]
        if paragraphs:
            articles.append(paragraphs)
    return articles


def first_sentence(paragraph: str) -> str:
    return paragraph.split(". ")[0][:160]


def boilerplate(rng: random.Random, pool: list[str], words: int) -> list[str]:
    """Ticker lines, related-news headlines and footer lines worth about `words` words."""
    lines: list[str] = []
    while sum(len(line.split()) for line in lines) < words:
        roll = rng.random()
        if roll < 0.4:
            price = rng.uniform(1, 300)
            lines.append(f"{rng.choice(TICKERS)} {price:.2f} Decreased By ▼ "
                         f"-{price * 0.05:.2f} (-{rng.uniform(1, 9):.2f}%)")
        elif roll < 0.8:
            lines.append(first_sentence(rng.choice(pool)))
        else:
            lines.append(rng.choice(FOOTERS))
    return lines


def edit_words(rng: random.Random, text: str, share: float, vocabulary: list[str]) -> str:
    """text with about share of its words replaced or dropped."""
    out = []
    for word in text.split():
        roll = rng.random()
        if roll < share / 2:
            out.append(rng.choice(vocabulary))
        elif roll < share:
            continue
        else:
            out.append(word)
    return " ".join(out)


def words_of(paragraphs: list[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)


# --- the labelled set ---------------------------------------------------------------


@dataclass
class Pair:
    left: str
    right: str
    kind: str
    same_story: bool


def cap(paragraphs: list[str], limit: int = 1200) -> list[str]:
    """The first paragraphs up to about limit words (news-article length)."""
    out: list[str] = []
    for paragraph in paragraphs:
        if out and words_of(out) + len(paragraph.split()) > limit:
            break
        out.append(paragraph)
    return out


def make_pairs(articles: list[list[str]], rng: random.Random) -> list[Pair]:
    """Eleven pairs per article: five copies of its story, six different stories."""
    pool = [p for article in articles for p in article]
    vocabulary = [w for p in rng.sample(pool, min(2000, len(pool))) for w in p.split()]
    pairs: list[Pair] = []
    for index, full in enumerate(articles):
        body = cap(full)
        size = words_of(body)
        other = cap(articles[(index + 1 + rng.randrange(len(articles) - 1)) % len(articles)])

        def dressed(paras: list[str], share: float, size: int = size) -> str:
            head = boilerplate(rng, pool, int(size * share * rng.random()))
            tail = boilerplate(rng, pool, int(size * share * rng.random()))
            return "\n".join(head + paras + tail)

        text = "\n".join(body)
        keep = max(1, int(len(body) * rng.uniform(0.6, 0.9)))
        tail = cap([p for a in rng.sample(articles, 6) for p in a[:2]], int(size * 1.3))
        teasers = [first_sentence(p) for p in rng.sample(pool, 3)]
        pairs += [
            Pair(text, dressed(body, 0.3), "other boilerplate", True),
            Pair(text, "\n".join(edit_words(rng, p, 0.04, vocabulary) for p in body),
                 "light edits (4% words)", True),
            Pair(text, dressed(body[:keep], 0.15), "trimmed to 60-90% + boilerplate", True),
            Pair(text, "\n".join([*body, "More News", *tail]), "long More News tail", True),
            Pair(text, "\n".join(body[:1] + [edit_words(rng, p, 0.02, vocabulary)
                                             for p in body[1:] if rng.random() > 0.15]),
                 "paragraphs dropped + edits", True),
            Pair(text, "\n".join(other), "another article", False),
            Pair("\n".join(teasers + body + teasers), "\n".join(teasers + other + teasers),
                 "different articles, same teasers", False),
            Pair(text, "\n".join(edit_words(rng, p, 0.3, vocabulary)
                                 for p in rng.sample(body, len(body))),
                 "rewrite (30% words, reordered)", False),
            Pair(text, "\n".join(edit_words(rng, p, 0.15, vocabulary) for p in body),
                 "rewrite (15% words)", False),
            Pair(text, "\n".join(other[:2] + rng.sample(body, max(1, len(body) // 3))
                                  + other[2:]), "other article quoting a third of it", False),
            Pair(text, "\n".join(body[:2] + [p for a in rng.sample(articles, 5) for p in a[:2]]),
                 "digest: its lead + 5 other leads", False),
        ]
    return pairs


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, truth: bool, predicted: bool) -> None:
        if truth and predicted:
            self.tp += 1
        elif truth:
            self.fn += 1
        elif predicted:
            self.fp += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


Sketches = list[tuple[np.ndarray, np.ndarray]]


def sketch_pairs(pairs: list[Pair], signer: Signer) -> Sketches:
    return [(signer.signature(p.left), signer.signature(p.right)) for p in pairs]


def predict(sketches: Sketches, signer: Signer, threshold: float) -> list[bool]:
    """The production check on every pair: an LSH candidate with estimated J >= threshold."""
    index = BandIndex(threshold, signer.num_perm)
    for number, (left, _right) in enumerate(sketches):
        index.insert(number, left)
    out = []
    for number, (left, right) in enumerate(sketches):
        found = number in index.query(right)
        out.append(found and estimated_jaccard(left, right) >= threshold)
    return out


def cmd_tune(args: argparse.Namespace) -> None:
    rng = random.Random(6)
    articles = load_articles(Path(args.data))
    tune = make_pairs(articles[0::2], rng)
    test = make_pairs(articles[1::2], rng)
    signer = Signer()
    tune_sketches, test_sketches = sketch_pairs(tune, signer), sketch_pairs(test, signer)
    print(f"labelled set: {len(articles)} wcxb dev articles -> {len(tune)} tuning pairs "
          f"(even files), {len(test)} test pairs (odd files); 5 same-story : 6 different")
    print("threshold  precision  recall  f1   (tuning half)")
    best: tuple[float, float] | None = None
    for step in range(4, 19):
        threshold = step / 20
        scores = Scores()
        for pair, guess in zip(tune, predict(tune_sketches, signer, threshold), strict=True):
            scores.add(pair.same_story, guess)
        print(f"  {threshold:.2f}     {scores.precision:.3f}     {scores.recall:.3f}  "
              f"{scores.f1:.3f}")
        if scores.precision >= 0.995 and (best is None or scores.f1 > best[1]):
            best = (threshold, scores.f1)
    chosen = best[0] if best else DEFAULT_NEAR_DUP_THRESHOLD
    print(f"chosen (best F1 with precision >= 0.995 on the tuning half): {chosen:.2f}")
    report(test, test_sketches, signer, chosen, "held-out half")
    if chosen != DEFAULT_NEAR_DUP_THRESHOLD:
        report(test, test_sketches, signer, DEFAULT_NEAR_DUP_THRESHOLD,
               "held-out half, shipped default")


def report(pairs: list[Pair], sketches: Sketches, signer: Signer,
           threshold: float, label: str) -> None:
    total, by_kind = Scores(), {}
    for pair, guess in zip(pairs, predict(sketches, signer, threshold), strict=True):
        total.add(pair.same_story, guess)
        by_kind.setdefault((pair.kind, pair.same_story), Scores()).add(pair.same_story, guess)
    print(f"threshold {threshold:.2f} on the {label}: precision {total.precision:.3f} "
          f"recall {total.recall:.3f} F1 {total.f1:.3f} (tp {total.tp} fp {total.fp} "
          f"fn {total.fn} tn {total.tn})")
    for (kind, same), scores in sorted(by_kind.items(), key=lambda i: (not i[0][1], i[0][0])):
        linked = scores.tp + scores.fp
        size = linked + scores.fn + scores.tn
        print(f"  {'same story' if same else 'different '}  {kind:36s} linked {linked}/{size}")


# --- synthetic articles at scale ------------------------------------------------------


@dataclass
class Synthetic:
    text: str
    origin: int  # index of the original this is a copy of (itself for originals)


def synthetic(articles: list[list[str]], n: int, near_share: float,
              seed: int = 6) -> Iterator[Synthetic]:
    """n articles of 6-14 shuffled, edited real paragraphs; near_share are copies of an
    earlier one (other boilerplate, trimmed tail or light edits)."""
    rng = random.Random(seed)
    pool = [p for article in articles for p in article if len(p.split()) >= 12]
    vocabulary = [w for p in rng.sample(pool, 2000) for w in p.split()]
    originals: deque[tuple[int, list[str]]] = deque(maxlen=5000)  # copies arrive soon after
    for index in range(n):
        if originals and rng.random() < near_share:
            origin, body = originals[rng.randrange(len(originals))]
            roll = rng.random()
            if roll < 0.4:
                paras = boilerplate(rng, pool, 40) + body + boilerplate(rng, pool, 40)
            elif roll < 0.7:
                paras = body[: max(3, int(len(body) * 0.8))] + boilerplate(rng, pool, 30)
            else:
                paras = [edit_words(rng, p, 0.03, vocabulary) for p in body]
            yield Synthetic("\n".join(paras), origin)
            continue
        body = [edit_words(rng, p, 0.1, vocabulary) for p in rng.sample(pool, rng.randint(6, 14))]
        originals.append((index, body))
        yield Synthetic("\n".join(body), index)


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cmd_memory(args: argparse.Namespace) -> None:
    articles = load_articles(Path(args.data))
    signer = Signer()
    threshold = args.threshold
    lsh = BandIndex(threshold, signer.num_perm)
    signatures: list = []  # stand-in for article_minhash (the RSS line counts them too)
    truth: list[int] = []
    timings = {"shingle": 0.0, "minhash": 0.0, "lsh query+verify": 0.0, "lsh insert": 0.0}
    found_pairs = 0
    true_found = 0
    gc.collect()
    before = rss_mib()
    clock = time.perf_counter
    for index, item in enumerate(synthetic(articles, args.n, args.near_share)):
        t0 = clock()
        found = shingles(item.text)
        t1 = clock()
        values = signer.minhash(found).hashvalues.astype(np.uint32)
        t2 = clock()
        linked = [c for c in lsh.query(values)
                  if estimated_jaccard(values, signatures[c]) >= threshold]
        t3 = clock()
        lsh.insert(index, values)
        t4 = clock()
        signatures.append(values)
        truth.append(item.origin)
        found_pairs += len(linked)
        true_found += sum(1 for c in linked if truth[c] == item.origin)
        for name, spent in zip(timings, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            timings[name] += spent
        if (index + 1) % args.every == 0:
            report_scale(index + 1, timings, before)
    report_scale(args.n, timings, before)
    print(f"LSH index arrays: {lsh.nbytes() / 2**20:.0f} MiB ({lsh.nbytes() / args.n:.0f} "
          f"bytes/article, {lsh.bands} bands x {lsh.rows} rows)")
    copies = len(truth) - len(set(truth))
    true_pairs = sum(c * (c - 1) // 2 for c in _counts(truth).values())
    print(f"near-duplicates in the stream: {copies} copies ({copies / len(truth):.1%}); "
          f"linked pairs {found_pairs}, of them true {true_found}; "
          f"pair precision {true_found / max(found_pairs, 1):.3f}, "
          f"recall {true_found / max(true_pairs, 1):.3f}")
    sig_mib = sum(s.nbytes + 112 for s in signatures) / 2**20
    print(f"of the RSS growth, ~{sig_mib:.0f} MiB are the signatures this bench keeps for "
          "verification (production reads candidates' signatures from article_minhash)")


def _counts(values: list[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for value in values:
        out[value] = out.get(value, 0) + 1
    return out


def report_scale(count: int, timings: dict[str, float], before: float) -> None:
    total = sum(timings.values())
    stages = ", ".join(f"{k} {v / count * 1000:.3f}" for k, v in timings.items())
    print(f"{count:>8} articles: {total / count * 1000:.3f} ms/article ({stages}); "
          f"{count / total:.0f} articles/s; RSS +{rss_mib() - before:.0f} MiB", flush=True)


def cmd_store(args: argparse.Namespace) -> None:
    from cleaners.fingerprint import content_hash
    from cleaners.model import CleanPage
    from storage.engine import open_engine
    from storage.repository import FetchRecord, PageRecord, Repository

    articles = load_articles(Path(args.data))
    engine = open_engine(args.db)
    repo = Repository(engine, near_dup_threshold=args.threshold)
    t0 = datetime(2026, 1, 1, tzinfo=UTC)

    def record(index: int, text: str) -> PageRecord:
        url = f"https://site{index % 7}.example/news/{index}"
        page = CleanPage(url=url, canonical_url=url, page_type="article", title=f"T{index}",
                         authors=[], published=None, modified=None, language="en",
                         section=None, tags=[], description=None, image=None, sitename=None,
                         text=text, word_count=len(text.split()),
                         content_hash=content_hash(text))
        fetch = FetchRecord(url, 200, fetched_at=t0 + timedelta(seconds=index))
        return PageRecord(page, fetch, f"site{index % 7}", f"site{index % 7}.example")

    hook = repo._dedup.after_upsert
    spent = {"with dedup": [0.0, 0], "without dedup": [0.0, 0]}
    batch: list[PageRecord] = []
    started = time.perf_counter()
    for index, item in enumerate(synthetic(articles, args.n, args.near_share)):
        batch.append(record(index, item.text))
        if len(batch) < args.batch:
            continue
        off = (index // args.batch) % args.off_every == 0  # a slice without the hook
        repo._dedup.after_upsert = (lambda *a: None) if off else hook  # type: ignore[method-assign]
        t = time.perf_counter()
        repo.store(None, batch)
        label = "without dedup" if off else "with dedup"
        spent[label][0] += time.perf_counter() - t
        spent[label][1] += len(batch)
        batch = []
        if (index + 1) % args.every == 0:
            print_store(index + 1, spent, started)
    print_store(args.n, spent, started)
    print(f"signature rows read while storing: {repo._dedup.index.loads}")
    engine.dispose()


def print_store(count: int, spent: dict[str, list[float]], started: float) -> None:
    on, off = spent["with dedup"], spent["without dedup"]
    ms_on = on[0] / max(on[1], 1) * 1000
    ms_off = off[0] / max(off[1], 1) * 1000
    print(f"{count:>8} stored in {time.perf_counter() - started:.0f} s: store {ms_on:.2f} "
          f"ms/article with dedup, {ms_off:.2f} without -> dedup hook {ms_on - ms_off:.2f} "
          f"ms/article; RSS {rss_mib():.0f} MiB", flush=True)


def cmd_rebuild(args: argparse.Namespace) -> None:
    from storage.engine import open_engine
    from storage.lsh import LshIndex

    engine = open_engine(args.db)
    gc.collect()
    before = rss_mib()
    index = LshIndex(args.threshold)
    t = time.perf_counter()
    with engine.connect() as connection:
        index.sync(connection)
    elapsed = time.perf_counter() - t
    print(f"rebuilt the LSH from {index.loads} stored signatures in {elapsed:.2f} s "
          f"({index.loads / max(elapsed, 1e-9):.0f} signatures/s); RSS +{rss_mib() - before:.0f}"
          " MiB")
    engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--threshold", type=float, default=DEFAULT_NEAR_DUP_THRESHOLD)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("tune")
    commands: dict[str, Callable[[argparse.Namespace], None]] = {
        "tune": cmd_tune, "memory": cmd_memory, "store": cmd_store, "rebuild": cmd_rebuild}
    for name in ("memory", "store"):
        scaled = sub.add_parser(name)
        scaled.add_argument("--n", type=int, default=100_000)
        scaled.add_argument("--near-share", type=float, default=0.2)
        scaled.add_argument("--every", type=int, default=10_000)
    store = sub.choices["store"]
    store.add_argument("--db", default="sqlite:////tmp/cleanwire_dedup_bench.db")
    store.add_argument("--batch", type=int, default=100)
    store.add_argument("--off-every", type=int, default=10, help="every k-th batch: no hook")
    rebuild = sub.add_parser("rebuild")
    rebuild.add_argument("--db", default="sqlite:////tmp/cleanwire_dedup_bench.db")
    args = parser.parse_args(argv)
    commands[args.command](args)


if __name__ == "__main__":
    main()
