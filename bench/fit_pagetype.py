"""Refit cleaners.pagetype.WEIGHTS / BIAS from a feature dump, with cross-validation.

    .venv/bin/python bench/eval_pagetype.py --dump /tmp/pagetype.jsonl
    python3 bench/fit_pagetype.py /tmp/pagetype.jsonl      # any Python with numpy

L2-regularised logistic regression (Newton's method) on the features that
cleaners.pagetype.page_features returns, listing = 1, listings weighted up so
the rare class is not drowned. Prints repeated stratified k-fold accuracy and
recalls (the figure to report), then the full-data fit as Python to paste into
cleaners/pagetype.py. Weights are on the raw features (standardisation folded in).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

#: weights set by hand, not fitted: features that (almost) never fire on WCXB dev, so the
#: data cannot size them. url_page (?page=2, /page/3/): a page number in the URL is common on
#: news listings; +2.0 tips a borderline page but not an article with its own date and byline.
HAND_SET: dict[str, float] = {"url_page": 2.0}


def load(path: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    names = sorted(rows[0]["features"])
    x = np.array([[r["features"].get(n, 0.0) for n in names] for r in rows], float)
    y = np.array([r["truth"] != "article" for r in rows], float)
    return names, x, y


def fit(x: np.ndarray, y: np.ndarray, lam: float, w_pos: float,
        names: list[str] | None = None) -> tuple[np.ndarray, float]:
    """(weights on raw features, bias) of the weighted, L2-penalised logistic regression."""
    mu, sd = x.mean(0), x.std(0) + 1e-9
    z = np.hstack([(x - mu) / sd, np.ones((len(x), 1))])
    sample_w = np.where(y == 1, w_pos, 1.0)
    penalty = lam * np.eye(z.shape[1])
    penalty[-1, -1] = 0.0  # the bias is not shrunk
    w = np.zeros(z.shape[1])
    for _ in range(30):
        p = 1.0 / (1.0 + np.exp(-z @ w))
        grad = z.T @ ((p - y) * sample_w) + penalty @ w
        hess = (z * (p * (1 - p) * sample_w)[:, None]).T @ z + penalty
        w -= np.linalg.solve(hess, grad)
    raw = w[:-1] / sd
    bias = float(w[-1] - raw @ mu)
    for i, name in enumerate(names or []):
        if name in HAND_SET:
            bias += float((raw[i] - HAND_SET[name]) * mu[i])  # keep the mean score unchanged
            raw[i] = HAND_SET[name]
    return raw, bias


def cross_validate(x: np.ndarray, y: np.ndarray, lam: float, w_pos: float, names: list[str],
                   folds: int = 5, repeats: int = 5) -> dict[str, float]:
    acc, lst, art = [], [], []
    for seed in range(repeats):
        rng = np.random.default_rng(seed)
        pos = rng.permutation(np.flatnonzero(y == 1))
        neg = rng.permutation(np.flatnonzero(y == 0))
        score = np.zeros(len(y))
        for k in range(folds):
            test = np.concatenate([pos[k::folds], neg[k::folds]])
            train = np.setdiff1d(np.arange(len(y)), test)
            w, b = fit(x[train], y[train], lam, w_pos, names)
            score[test] = x[test] @ w + b
        pred = score > 0
        acc.append((pred == y).mean())
        lst.append(pred[y == 1].mean())
        art.append((~pred)[y == 0].mean())
    return {"accuracy": float(np.mean(acc)), "accuracy_sd": float(np.std(acc)),
            "listing_recall": float(np.mean(lst)), "article_recall": float(np.mean(art))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dump", type=Path)
    parser.add_argument("--lam", type=float, default=10.0)
    parser.add_argument("--listing-weight", type=float, default=4.0)
    args = parser.parse_args()
    names, x, y = load(args.dump)
    cv = cross_validate(x, y, args.lam, args.listing_weight, names)
    print(f"# {len(y)} pages, {int(y.sum())} listings; lambda {args.lam}, listing weight "
          f"{args.listing_weight}; 5-fold x5 CV: accuracy {cv['accuracy']:.3f} "
          f"(sd {cv['accuracy_sd']:.3f}), listing recall {cv['listing_recall']:.3f}, "
          f"article recall {cv['article_recall']:.3f}")
    w, b = fit(x, y, args.lam, args.listing_weight, names)
    pred = x @ w + b > 0
    print(f"# training accuracy {(pred == y).mean():.3f} (optimistic; report the CV figure)")
    print("WEIGHTS: dict[str, float] = {")
    for name, weight in sorted(zip(names, w, strict=True), key=lambda t: -abs(t[1])):
        print(f'    "{name}": {weight:+.3f},')
    print("}")
    print(f"BIAS = {b:+.3f}")


if __name__ == "__main__":
    main()
