#!/usr/bin/env python3
"""Train Deskflow's offline triage model (ticket category classifier).

Model: TF-IDF word 1-2 grams + TF-IDF char 2-5 grams (within word boundaries), each block
L2-normalised, into a class-balanced multinomial logistic regression. The vocabulary is pruned
to the most useful features (by largest |weight| of a first fit) and the model is refitted on
exactly that vocabulary, so the shipped file describes the whole computation.

Steps (all seeded, reproducible):
  1. stratified train/validation split of the CSV; fit on the train part, report accuracy,
     macro-F1 and per-class scores on the validation part, plus a multinomial naive Bayes
     baseline on the same split; fit a softmax temperature on the validation part;
  2. optionally (--cv K) stratified K-fold cross-validation of the same pipeline;
  3. fit on all rows and write the compact model JSON read by worker/ai/triage-model.ts;
  4. write the test fixtures: predictions for ~200 texts (TS parity test) and a ~300-row CSV.

The tokeniser below is mirrored by worker/ai/triage-model.ts; change both together (the parity
fixture test catches drift).

Usage (from the project root, normally via `npm run train:triage -- [args]`):
  python scripts/triage/train.py [CSV] [--out worker/ai/triage-model.json] [--cv 5]
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import os
import random
import re
import sys
import time
import unicodedata
from collections import Counter

import numpy as np
import scipy
import sklearn
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.naive_bayes import MultinomialNB

FORMAT = "deskflow-triage/1"
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_CSV = os.path.join(ROOT, "..", "shared", "data", "it-tickets", "train.csv")
DEFAULT_OUT = os.path.join(ROOT, "worker", "ai", "triage-model.json")
PARITY_OUT = os.path.join(ROOT, "test", "fixtures", "triage-parity.json")
SAMPLE_OUT = os.path.join(ROOT, "test", "fixtures", "triage-sample.csv")

# ---------------------------------------------------------------------------------------------
# Tokenisation: mirrored exactly by worker/ai/triage-model.ts
#   lowercase -> Unicode NFKD (accents become separate combining marks) -> runs of [a-z]
#   (digits, punctuation and everything else separate tokens; the training text has no digits)
#   -> drop tokens longer than MAX_TOKEN_CHARS (never words; the training text has none over 18)
#   -> keep at most the first MAX_TOKENS tokens.
# Word features: unigrams and "a b" bigrams. Char features: all n-grams (2..5) of " token ".
# ---------------------------------------------------------------------------------------------
TOKEN_RE = re.compile(r"[a-z]+")
MAX_TOKENS = 3000
MAX_TOKEN_CHARS = 40
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)


def tokenize(text: str) -> list[str]:
    toks = TOKEN_RE.findall(unicodedata.normalize("NFKD", text.lower()))
    return [t for t in toks if len(t) <= MAX_TOKEN_CHARS][:MAX_TOKENS]


def word_features(text: str) -> list[str]:
    toks = tokenize(text)
    return toks + [f"{a} {b}" for a, b in zip(toks, toks[1:])]


def char_features(text: str) -> list[str]:
    lo, hi = CHAR_NGRAMS
    out: list[str] = []
    for tok in tokenize(text):
        w = f" {tok} "
        size = len(w)
        for n in range(lo, min(hi, size) + 1):
            for i in range(size - n + 1):
                out.append(w[i : i + n])
    return out


# ---------------------------------------------------------------------------------------------

T0 = time.time()


def log(msg: str) -> None:
    print(f"[{time.time() - T0:7.1f}s] {msg}", flush=True)


def read_csv(path: str) -> tuple[list[str], list[str]]:
    if not os.path.isfile(path):
        sys.exit(f"train.py: no such file: {path}")
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        cols = reader.fieldnames or []
        if "Document" not in cols or "Topic_group" not in cols:
            sys.exit(f"train.py: {path} must have columns Document,Topic_group (found: {','.join(cols)})")
        texts, labels = [], []
        for row in reader:
            label = (row["Topic_group"] or "").strip()
            if not label:
                continue
            texts.append(row["Document"] or "")
            labels.append(label)
    return texts, labels


class Pipeline:
    """Vectorisers + classifier; `fit` does the two-pass (prune, refit) training."""

    def __init__(self, c: float, min_df: int, max_features: int, seed: int):
        self.c, self.min_df, self.max_features, self.seed = c, min_df, max_features, seed

    def _vectorizers(self, word_vocab=None, char_vocab=None):
        kw = dict(sublinear_tf=True, norm="l2", smooth_idf=True, use_idf=True, dtype=np.float64)
        wv = TfidfVectorizer(analyzer=word_features, min_df=self.min_df, vocabulary=word_vocab, **kw)
        cv = TfidfVectorizer(analyzer=char_features, min_df=self.min_df, vocabulary=char_vocab, **kw)
        return wv, cv

    def _clf(self):
        return LogisticRegression(C=self.c, class_weight="balanced", max_iter=5000, tol=1e-4, random_state=self.seed)

    def fit(self, texts, labels, tag=""):
        wv, cv = self._vectorizers()
        xw, xc = wv.fit_transform(texts), cv.fit_transform(texts)
        nw, nc = xw.shape[1], xc.shape[1]
        log(f"{tag}vocabulary: {nw} word + {nc} char n-grams (min_df={self.min_df}); fitting pass 1")
        clf = self._clf().fit(hstack([xw, xc]).tocsr(), labels)
        self.known_words = sorted(t for t in wv.get_feature_names_out().tolist() if " " not in t)
        imp = np.abs(clf.coef_).max(axis=0)
        keep = np.sort(np.argsort(-imp, kind="stable")[: self.max_features])
        w_terms = np.array(wv.get_feature_names_out(), dtype=object)
        c_terms = np.array(cv.get_feature_names_out(), dtype=object)
        word_vocab = sorted(w_terms[keep[keep < nw]].tolist())
        char_vocab = sorted(c_terms[keep[keep >= nw] - nw].tolist())
        log(f"{tag}pruned to {len(word_vocab)} word + {len(char_vocab)} char features; fitting pass 2")
        self.wv, self.cv = self._vectorizers(word_vocab, char_vocab)
        x = hstack([self.wv.fit_transform(texts), self.cv.fit_transform(texts)]).tocsr()
        self.clf = self._clf().fit(x, labels)
        self.classes = list(self.clf.classes_)
        log(f"{tag}fitted ({self.clf.n_iter_.max()} iterations)")
        return self

    def transform(self, texts):
        return hstack([self.wv.transform(texts), self.cv.transform(texts)]).tocsr()

    def logits(self, texts):
        return self.clf.decision_function(self.transform(texts))

    def predict_proba(self, texts):
        """Final output distribution: tempered softmax, damped by word coverage."""
        known = set(self.known_words)
        lam = np.array([coverage_weight(t, known) for t in texts])
        return damp(softmax(self.logits(texts), self.temperature), lam)


# Confidence damping for text the model knows little about. coverage = share of tokens that are
# training words (min_df unigrams, before pruning); below FULL_CONFIDENCE_COVERAGE the distribution
# is mixed with uniform: p' = lam * p + (1 - lam) / K, lam = min(1, coverage / FULL_CONFIDENCE_COVERAGE).
# Empty text and text of unknown words only thus get a uniform distribution (confidence 1/K); the
# ranking of classes (and so the predicted label) is unchanged.
FULL_CONFIDENCE_COVERAGE = 0.5


def coverage_weight(text: str, known: set[str]) -> float:
    toks = tokenize(text)
    if not toks:
        return 0.0
    cov = sum(1 for t in toks if t in known) / len(toks)
    return min(1.0, cov / FULL_CONFIDENCE_COVERAGE)


def damp(probs: np.ndarray, lam: np.ndarray | float) -> np.ndarray:
    lam = np.asarray(lam, dtype=np.float64)
    if lam.ndim == 1:
        lam = lam[:, None]
    return lam * probs + (1.0 - lam) / probs.shape[-1]


def softmax(z: np.ndarray, t: float = 1.0) -> np.ndarray:
    z = z * t
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def fit_temperature(logits: np.ndarray, y_idx: np.ndarray) -> float:
    best_t, best_nll = 1.0, math.inf
    for t in np.round(np.arange(0.3, 3.0001, 0.05), 2):
        p = softmax(logits, t)[np.arange(len(y_idx)), y_idx]
        nll = -np.log(np.clip(p, 1e-12, 1)).mean()
        if nll < best_nll - 1e-9:
            best_t, best_nll = float(t), nll
    return best_t


def ece(probs: np.ndarray, y_idx: np.ndarray, bins: int = 10) -> float:
    conf, correct = probs.max(1), probs.argmax(1) == y_idx
    total = 0.0
    for b in range(bins):
        m = (conf > b / bins) & (conf <= (b + 1) / bins)
        if m.any():
            total += m.mean() * abs(conf[m].mean() - correct[m].mean())
    return float(total)


def report(y_true, y_pred, classes, title: str) -> dict:
    acc = accuracy_score(y_true, y_pred)
    mf1 = f1_score(y_true, y_pred, average="macro", labels=classes)
    log(f"{title}: accuracy={acc:.4f} macro-F1={mf1:.4f}")
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=classes, zero_division=0)
    print(f"    {'class':<24}{'precision':>10}{'recall':>10}{'F1':>10}{'support':>9}")
    for i, c in enumerate(classes):
        print(f"    {c:<24}{p[i]:>10.4f}{r[i]:>10.4f}{f[i]:>10.4f}{s[i]:>9d}")
    cm = confusion_matrix(y_true, y_pred, labels=classes)
    pairs = sorted(((cm[i, j], classes[i], classes[j]) for i in range(len(classes)) for j in range(len(classes)) if i != j), reverse=True)
    print("    most frequent confusions (true -> predicted): " + "; ".join(f"{a} -> {b}: {n}" for n, a, b in pairs[:5]))
    return {"accuracy": round(float(acc), 4), "macroF1": round(float(mf1), 4)}


# ---------------------------------------------------------------------------------------------
# Export + reference inference (the exact computation worker/ai/triage-model.ts performs)
# ---------------------------------------------------------------------------------------------
WEIGHT_SCALE = 1000  # weights stored as integers in units of 1/1000
IDF_DECIMALS = 4


def export_model(pipe: Pipeline, temperature: float, meta: dict) -> dict:
    blocks = []
    for name, vec, kind, ngrams in (("word", pipe.wv, "word", WORD_NGRAMS), ("char", pipe.cv, "char_wb", CHAR_NGRAMS)):
        terms = vec.get_feature_names_out().tolist()
        blocks.append({
            "name": name,
            "kind": kind,
            "ngramMin": ngrams[0],
            "ngramMax": ngrams[1],
            "terms": terms,
            "idf": [round(float(v), IDF_DECIMALS) for v in vec.idf_],
        })
    coef = np.rint(pipe.clf.coef_ * WEIGHT_SCALE).astype(np.int64)
    return {
        "format": FORMAT,
        "classes": pipe.classes,
        "tokenizer": {"lowercase": True, "unicode": "NFKD", "tokenPattern": TOKEN_RE.pattern, "maxTokens": MAX_TOKENS, "maxTokenChars": MAX_TOKEN_CHARS},
        "tf": "sublinear",
        "norm": "l2-per-block",
        "blocks": blocks,
        "weightScale": 1 / WEIGHT_SCALE,
        "weights": coef.tolist(),  # [class][feature], features = word block terms then char block terms
        "intercepts": [round(float(v), 6) for v in pipe.clf.intercept_],
        "temperature": temperature,
        "coverage": {"fullConfidenceAt": FULL_CONFIDENCE_COVERAGE, "knownWords": pipe.known_words},
        "meta": meta,
    }


class Reference:
    """Pure-Python inference over an exported model dict, mirroring the TypeScript code."""

    def __init__(self, model: dict):
        self.model = model
        self.classes = model["classes"]
        self.offsets, self.index, off = [], [], 0
        for b in model["blocks"]:
            self.index.append({t: i for i, t in enumerate(b["terms"])})
            self.offsets.append(off)
            off += len(b["terms"])
        self.w = np.array(model["weights"], dtype=np.float64) * model["weightScale"]
        self.b = np.array(model["intercepts"], dtype=np.float64)
        self.t = model["temperature"]
        self.known = set(model["coverage"]["knownWords"])
        self.full_at = model["coverage"]["fullConfidenceAt"]

    def logits(self, text: str) -> np.ndarray:
        z = self.b.copy()
        for block, idx, off in zip(self.model["blocks"], self.index, self.offsets):
            feats = word_features(text) if block["kind"] == "word" else char_features(text)
            counts = Counter(idx[f] for f in feats if f in idx)
            if not counts:
                continue
            vals = {j: (1.0 + math.log(c)) * block["idf"][j] for j, c in counts.items()}
            norm = math.sqrt(sum(v * v for v in vals.values()))
            for j, v in vals.items():
                z += self.w[:, off + j] * (v / norm)
        return z

    def predict(self, text: str) -> tuple[str, np.ndarray]:
        p = softmax(self.logits(text), self.t)
        toks = tokenize(text)
        lam = min(1.0, sum(1 for t in toks if t in self.known) / len(toks) / self.full_at) if toks else 0.0
        return self.classes[int(p.argmax())], damp(p, lam)


# ---------------------------------------------------------------------------------------------

EDGE_CASES = [
    "",
    "   \t\n  ",
    "Laptop SCREEN is broken, please REPLACE it!!!",
    "Need admin rights to install Python 3.11 on my workstation (WS-1234)",
    "Café: réservation de salle — accès refusé à l’application",
    "password reset for my account, cannot log in since 09:30",
    "purchase order for new monitors and docking stations",
    "qwxzv plokmnbq zzxyq",
    "please add me to the shared drive folder, quota exceeded on storage",
    "hr question about my payslip and holiday allowance",
    "ＦＵＬＬＷＩＤＴＨ ｌａｐｔｏｐ ｒｅｑｕｅｓｔ",
    "İstanbul office ǅungla ßtraße ﬁle access",
    "printer " + "x" * 41 + " toner cartridge " + "y" * 40,
    "xylophone zebra quokka",
]


def write_fixtures(pipe: Pipeline, model_path: str, texts: list[str], labels: list[str], seed: int, n_parity: int, n_sample: int):
    rng = random.Random(seed)
    idx = rng.sample(range(len(texts)), n_parity + n_sample)
    parity_texts = [texts[i] for i in idx[:n_parity]] + EDGE_CASES
    raw = softmax(pipe.logits(parity_texts), pipe.temperature)
    probs = pipe.predict_proba(parity_texts)
    with open(model_path, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    cases = [
        {"text": t, "label": pipe.classes[int(r.argmax())], "confidence": round(float(p.max()), 6)}
        for t, r, p in zip(parity_texts, raw, probs)
    ]
    os.makedirs(os.path.dirname(PARITY_OUT), exist_ok=True)
    with open(PARITY_OUT, "w", encoding="utf-8") as fh:
        json.dump({"modelSha256": digest, "source": "scripts/triage/train.py (scikit-learn predictions)", "cases": cases}, fh, ensure_ascii=False, indent=0)
        fh.write("\n")
    log(f"wrote {os.path.relpath(PARITY_OUT, ROOT)} ({len(cases)} texts)")
    with open(SAMPLE_OUT, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["Document", "Topic_group"])
        for i in sorted(idx[n_parity:]):
            w.writerow([texts[i], labels[i]])
    log(f"wrote {os.path.relpath(SAMPLE_OUT, ROOT)} ({n_sample} rows)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv", nargs="?", default=DEFAULT_CSV, help="training CSV with columns Document,Topic_group")
    ap.add_argument("--out", default=DEFAULT_OUT, help="model JSON to write")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--val-size", type=float, default=0.2, help="validation fraction (stratified)")
    ap.add_argument("--cv", type=int, default=0, help="also run K-fold cross-validation (slow)")
    ap.add_argument("--C", type=float, default=5.0, help="inverse L2 regularisation strength")
    ap.add_argument("--min-df", type=int, default=3)
    ap.add_argument("--max-features", type=int, default=30000, help="features kept after pruning")
    ap.add_argument("--skip-validation", action="store_true")
    ap.add_argument("--no-fixtures", action="store_true", help="do not rewrite test/fixtures/triage-*")
    args = ap.parse_args()

    np.random.seed(args.seed)
    random.seed(args.seed)
    log(f"python {sys.version.split()[0]}, numpy {np.__version__}, scipy {scipy.__version__}, scikit-learn {sklearn.__version__}")
    texts, labels = read_csv(args.csv)
    counts = Counter(labels)
    log(f"read {len(texts)} rows from {args.csv}: " + ", ".join(f"{k}={v}" for k, v in counts.most_common()))
    mk = lambda: Pipeline(args.C, args.min_df, args.max_features, args.seed)  # noqa: E731
    meta: dict = {"trainedRows": len(texts), "seed": args.seed, "C": args.C, "minDf": args.min_df, "sklearn": sklearn.__version__}
    temperature = 1.0

    if not args.skip_validation:
        xtr, xva, ytr, yva = train_test_split(texts, labels, test_size=args.val_size, stratify=labels, random_state=args.seed)
        log(f"validation split: {len(xtr)} train / {len(xva)} validation (stratified, seed {args.seed})")
        # Baseline: plain multinomial naive Bayes on word counts.
        from sklearn.feature_extraction.text import CountVectorizer
        cvec = CountVectorizer(analyzer=lambda t: tokenize(t))
        nb = MultinomialNB(alpha=1.0).fit(cvec.fit_transform(xtr), ytr)
        classes = sorted(counts)
        nb_metrics = report(yva, nb.predict(cvec.transform(xva)), classes, "baseline multinomial NB (validation)")

        pipe = mk().fit(xtr, ytr, tag="[val] ")
        z = pipe.logits(xva)
        y_idx = np.array([pipe.classes.index(c) for c in yva])
        pred = [pipe.classes[i] for i in z.argmax(1)]
        val_metrics = report(yva, pred, pipe.classes, "logistic regression (validation)")
        temperature = fit_temperature(z, y_idx)
        pipe.temperature = temperature
        damped = pipe.predict_proba(xva)
        log(f"softmax temperature fitted on validation: {temperature}; expected calibration error {ece(softmax(z), y_idx):.4f} (T=1)"
            f" -> {ece(softmax(z, temperature), y_idx):.4f} (T={temperature}) -> {ece(damped, y_idx):.4f} (with coverage damping);"
            f" mean confidence {damped.max(1).mean():.4f} vs accuracy {np.mean(damped.argmax(1) == y_idx):.4f}")
        # The shipped computation (rounded weights, pure-Python mirror of the TS code) on validation.
        ref = Reference(json.loads(json.dumps(export_model(pipe, temperature, {}))))
        ref_pred = [ref.predict(t)[0] for t in xva]
        agree = float(np.mean([a == b for a, b in zip(ref_pred, pred)]))
        log(f"exported (quantised) model agrees with scikit-learn on {agree:.2%} of validation labels; macro-F1 {f1_score(yva, ref_pred, average='macro'):.4f}")
        meta["validation"] = {"split": f"stratified {1 - args.val_size:.0%}/{args.val_size:.0%} seed {args.seed}", **val_metrics, "naiveBayesBaseline": nb_metrics}

    if args.cv:
        skf = StratifiedKFold(n_splits=args.cv, shuffle=True, random_state=args.seed)
        accs, f1s = [], []
        arr_t, arr_y = np.array(texts, dtype=object), np.array(labels, dtype=object)
        for k, (tr, va) in enumerate(skf.split(arr_t, arr_y), 1):
            p = mk().fit(arr_t[tr].tolist(), arr_y[tr].tolist(), tag=f"[cv {k}/{args.cv}] ")
            pr = [p.classes[i] for i in p.logits(arr_t[va].tolist()).argmax(1)]
            accs.append(accuracy_score(arr_y[va], pr))
            f1s.append(f1_score(arr_y[va], pr, average="macro"))
            log(f"[cv {k}/{args.cv}] accuracy={accs[-1]:.4f} macro-F1={f1s[-1]:.4f}")
        log(f"{args.cv}-fold CV: accuracy={np.mean(accs):.4f}±{np.std(accs):.4f} macro-F1={np.mean(f1s):.4f}±{np.std(f1s):.4f}")
        meta["crossValidation"] = {"folds": args.cv, "accuracy": round(float(np.mean(accs)), 4), "macroF1": round(float(np.mean(f1s)), 4)}

    log("fitting final model on all rows")
    pipe = mk().fit(texts, labels, tag="[all] ")
    pipe.temperature = temperature
    model = export_model(pipe, temperature, meta)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(model, fh, separators=(",", ":"), ensure_ascii=False)
        fh.write("\n")
    log(f"wrote {args.out} ({os.path.getsize(args.out) / 1e6:.2f} MB, {sum(len(b['terms']) for b in model['blocks'])} features, {len(model['classes'])} classes)")

    ref = Reference(model)
    check = texts[: 2000]
    sk = [pipe.classes[i] for i in pipe.logits(check).argmax(1)]
    agree = np.mean([ref.predict(t)[0] == s for t, s in zip(check, sk)])
    log(f"exported model agrees with scikit-learn on {agree:.2%} of {len(check)} training texts")

    if not args.no_fixtures and os.path.abspath(args.out) == os.path.abspath(DEFAULT_OUT):
        write_fixtures(pipe, args.out, texts, labels, args.seed, n_parity=200 - len(EDGE_CASES), n_sample=300)
    log("done")


if __name__ == "__main__":
    main()
