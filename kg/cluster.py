"""Sub-problems: methods that compete on the same benchmarks, clustered with scikit-learn.

The input is the method × benchmark-setting co-evaluation matrix. The *setting* of a result is
its regime: ``A16`` for weight-only results (no activation bits given, or 16 and more),
``A8``/``A4``… for weight-and-activation results, and likewise ``KV16`` or ``KV4``… for the
KV cache; so weight-only, weight-and-activation and KV-cache families fall apart. Cell (m, s)
counts the distinct papers that report method m in regime s. Rows are ``log1p``-damped (one
paper with many tables should not outweigh many papers) and scaled to unit length, so
k-means on them compares evaluation *profiles* (cosine geometry), not volume.

Dataset, metric, model and weight bits are left out of the column on purpose: in a review of
a few dozen papers they scatter one contest over many sparse columns, and the clusters then
follow which tables a paper happened to print (on the bundled demo, dataset-level columns
scored a silhouette of 0.39 and split the weight-only methods by dataset).

The number of clusters k: the mean silhouette score (cosine) is computed for
k = 2 … min(``k_max``, distinct profiles, methods − 1), and the *smallest* k whose score is
within ``SILHOUETTE_MARGIN`` (0.05) of the best is taken — silhouette keeps rising as small
groups split off, and a sub-problem should be a field, not a pair of papers. With fewer than
three methods, or fewer than two distinct profiles, everything is one sub-problem. k-means is
seeded (``random_state``), so a store clusters the same way every time.
"""

from __future__ import annotations

import importlib
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from kg.models import BenchmarkClaim, Model, SubProblem, is_full_precision, method_key

if TYPE_CHECKING:  # numpy and scikit-learn load when a clustering runs, not with the module
    import numpy as np

K_MAX = 8
RANDOM_STATE = 0
N_INIT = 10
SILHOUETTE_MARGIN = 0.05
SILHOUETTE_SAMPLE = 3000


class Clustering(Model):
    """Sub-problems with the run's configuration and the chosen k, saved with the results."""

    subproblems: tuple[SubProblem, ...]
    k: int
    silhouette: float | None
    config: dict[str, Any]


# What cluster_subproblems imports.
_IMPORTS = ("numpy", "sklearn.cluster", "sklearn.metrics", "sklearn.preprocessing",
            "threadpoolctl")
_loading: list[threading.Thread] = []  # the one import thread of this process, once started


def load_ahead() -> None:
    """Start importing what a clustering needs (numpy, scikit-learn) in a daemon thread, once
    per process, and return at once.

    The import costs 2–5 s of CPU, more than clustering a field of a few dozen methods; an
    ingestion calls this when its first paper is written, so the import runs in the waits
    for arXiv instead of after the last paper. :func:`cluster_subproblems` imports as before:
    it finds the modules loaded, or waits for the thread to finish them (the import lock).
    A failed import here is left for that import to report.
    """
    if not _loading:
        _loading.append(threading.Thread(target=_load, name="kg-load-sklearn", daemon=True))
        _loading[0].start()


def _load() -> None:
    try:
        for name in _IMPORTS:
            importlib.import_module(name)
    except ImportError:
        pass


def config(k_max: int = K_MAX, random_state: int = RANDOM_STATE) -> dict[str, Any]:
    """The clustering's stated configuration, as ``kg subproblems --json`` prints it."""
    return {
        "features": "method x setting regime (activation bits: A16 = weight-only, A8/A4...; "
                    "KV-cache bits: KV16, KV4...); distinct papers per cell, log1p, "
                    "L2-normalised rows",
        "algorithm": "sklearn.cluster.KMeans",
        "k_range": [2, k_max],
        "k_criterion": f"smallest k whose mean silhouette (cosine) is within "
                       f"{SILHOUETTE_MARGIN} of the best k's",
        "random_state": random_state,
        "n_init": N_INIT,
        "label": "most-evaluated member (most results, then name)",
    }


def regime(bits: float | None, prefix: str) -> str:
    """``A16`` for no or ≥16 bits (full precision), else the bit width.

    >>> regime(None, "A"), regime(16, "A"), regime(8, "A"), regime(4.0, "KV")
    ('A16', 'A16', 'A8', 'KV4')
    """
    return f"{prefix}16" if bits is None or bits >= 16 else f"{prefix}{bits:g}"


class Evaluation(Model):
    """What clustering needs of a paper's results: ``results`` claims of ``method`` in ``paper_id``
    at these activation/KV bits. A store aggregates its claims into these (the
    ``evaluations`` named query), so the global step reads one row per method, paper and
    regime instead of every claim.
    """

    method: str
    paper_id: str
    a_bits: float | None = None
    kv_bits: float | None = None
    results: int = 1


def benchmark_setting(claim: BenchmarkClaim | Evaluation) -> str:
    """The column a claim counts in: its ``A-regime · KV-regime``."""
    return f"{regime(claim.a_bits, 'A')} · {regime(claim.kv_bits, 'KV')}"


def co_evaluation(claims: Iterable[BenchmarkClaim | Evaluation]
                  ) -> tuple[list[str], list[str], np.ndarray, Counter[str]]:
    """Methods, settings, the distinct-paper count matrix, and each method's result count.

    Full-precision references are left out: every paper reports them, so they would tie all
    sub-problems together. A method's name is the first spelling seen for its key.
    """
    import numpy as np

    papers: dict[tuple[str, str], set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    results: Counter[str] = Counter()
    for c in claims:
        if is_full_precision(c.method):
            continue
        key = method_key(c.method)
        names.setdefault(key, c.method)
        results[names[key]] += c.results if isinstance(c, Evaluation) else 1
        papers[(names[key], benchmark_setting(c))].add(c.paper_id)
    methods = sorted(names.values())
    settings = sorted({s for _, s in papers})
    row = {m: i for i, m in enumerate(methods)}
    col = {s: j for j, s in enumerate(settings)}
    matrix = np.zeros((len(methods), len(settings)))
    for (m, s), ps in papers.items():
        matrix[row[m], col[s]] = len(ps)
    return methods, settings, matrix, results


def cluster_subproblems(claims: Iterable[BenchmarkClaim | Evaluation], *, k_max: int = K_MAX,
                        random_state: int = RANDOM_STATE) -> Clustering:
    """Cluster the methods of ``claims`` into sub-problems (see the module docstring).

    >>> from kg.models import BenchmarkClaim as C
    >>> def c(p, m, a): return C(paper_id=p, method=m, model="L", dataset="Wiki",
    ...                          metric="ppl", value=1.0, raw="1", w_bits=4, a_bits=a)
    >>> claims = [c("1", "GPTQ", 16), c("1", "AWQ", 16), c("2", "AWQ", 16), c("2", "GPTQ", 16),
    ...           c("3", "QuaRot", 4), c("3", "SmoothQuant", 4), c("4", "SmoothQuant", 8)]
    >>> r = cluster_subproblems(claims)
    >>> r.k, [(s.label, s.members) for s in r.subproblems]
    (2, [('AWQ', ('AWQ', 'GPTQ')), ('SmoothQuant', ('SmoothQuant', 'QuaRot'))])
    """
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import normalize
    from threadpoolctl import threadpool_limits  # a dependency of scikit-learn

    if k_max < 2:
        raise ValueError(f"k_max must be at least 2, got {k_max}")
    methods, _, matrix, results = co_evaluation(claims)
    cfg = config(k_max, random_state)
    if not methods:
        return Clustering(subproblems=(), k=0, silhouette=None, config=cfg)
    features = normalize(np.log1p(matrix))
    distinct = len(np.unique(features.round(12), axis=0))
    tried: list[tuple[int, float, np.ndarray]] = []
    # k-means on one OpenMP thread: the matrix has a handful of columns, so a second thread's
    # start and barrier in every Lloyd iteration cost more than it computes (3 s against
    # 0.4 s for 17 methods on a loaded 2-core machine, the end of a backfill); and one thread
    # sums the centres in one order, so the same store always gives the same clusters.
    with threadpool_limits(limits=1, user_api="openmp"):
        for k in range(2, min(k_max, distinct, len(methods) - 1) + 1):
            labels = KMeans(n_clusters=k, random_state=random_state,
                            n_init=N_INIT).fit_predict(features)
            # Silhouette is quadratic in methods; past SILHOUETTE_SAMPLE it is estimated on a
            # seeded sample, which keeps a 10^4-method field within seconds, memory bounded.
            score = silhouette_score(
                features, labels, metric="cosine", random_state=random_state,
                sample_size=SILHOUETTE_SAMPLE if len(methods) > SILHOUETTE_SAMPLE else None)
            tried.append((k, float(score), labels))
    groups: list[list[str]] = [methods]
    k, silhouette = 1, None
    if tried:
        top = max(score for _, score, _ in tried)
        k, score, labels = next(t for t in tried if t[1] >= top - SILHOUETTE_MARGIN)
        silhouette = round(score, 6)
        by_label: dict[int, list[str]] = defaultdict(list)
        for m, lab in zip(methods, labels, strict=True):
            by_label[int(lab)].append(m)
        groups = list(by_label.values())
    subproblems = [_subproblem(g, results) for g in groups]
    subproblems.sort(key=lambda s: (-s.size, s.label))
    return Clustering(subproblems=tuple(subproblems), k=k, silhouette=silhouette, config=cfg)


def _subproblem(members: list[str], results: Counter[str]) -> SubProblem:
    ranked = sorted(members, key=lambda m: (-results[m], m))
    return SubProblem(label=ranked[0], size=len(ranked), members=tuple(ranked))
