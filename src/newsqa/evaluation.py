"""Evaluation on MultiHop-RAG style queries: retrieval, answer and latency metrics."""

from __future__ import annotations

import hashlib
import json
import re
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsqa.answering.reported_values import stated_values
from newsqa.records import Answer
from newsqa.text.tokens import count_tokens
from newsqa.text.words import content_words

YES_NO = {"yes", "no"}
FACT_COVERAGE = 0.60


@dataclass(frozen=True)
class EvalQuery:
    """One benchmark query with its gold answer and evidence."""

    query: str
    answer: str
    question_type: str
    evidence: tuple[dict[str, Any], ...] = ()
    expect_abstain: bool = False  # asked of an archive that cannot answer it (off-archive)
    asked_on: str | None = None  # the day the question was asked ("question_date"), if known
    answers: tuple[str, ...] = ()  # every accepted form of the answer (disagreement set)
    conflicting_answer: str = ""  # the value the swapped articles state instead

    @property
    def facts(self) -> list[str]:
        return [e["fact"] for e in self.evidence if e.get("fact")]

    @property
    def gold_urls(self) -> set[str]:
        return {e["url"] for e in self.evidence if e.get("url")}

    @property
    def gold_titles(self) -> set[str]:
        return {e["title"] for e in self.evidence if e.get("title")}


@dataclass
class QueryResult:
    """Per-query measurements."""

    question_type: str
    latency_ms: float
    has_evidence: bool
    retrieval: dict[str, float] = field(default_factory=dict)
    answer: dict[str, float] = field(default_factory=dict)
    passage_tokens: list[int] = field(default_factory=list)


def load_queries(path: Path | str, limit: int | None = None) -> list[EvalQuery]:
    """MultiHop-RAG style queries (a JSON list), or JSON Lines of `question` + `expect`."""
    text = Path(path).read_text(encoding="utf-8")
    if str(path).endswith(".jsonl"):
        data = [json.loads(line) for line in text.splitlines() if line.strip()]
    else:
        data = json.loads(text)
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a JSON list of queries")
    queries = []
    for q in data:
        expect_abstain = q.get("expect") == "abstain"
        kind = q.get("question_type") or ("offarchive_query" if expect_abstain else "unknown")
        queries.append(
            EvalQuery(
                q.get("query") or q["question"],
                str(q.get("answer", "")),
                kind,
                tuple(q.get("evidence_list") or ()),
                expect_abstain,
                q.get("question_date") or q.get("asked_on") or None,
                tuple(str(a) for a in q.get("answers") or ()),
                str(q.get("conflicting_answer") or "").strip(),
            )
        )
    return queries[:limit] if limit else queries


def _squash(text: str) -> str:
    return re.sub(r"[ \n]", "", text)


def retrieval_metrics(passage_texts: Sequence[str], facts: Sequence[str]) -> dict[str, float]:
    """hits@4, hits@10, mrr@10, map@10 exactly as the MultiHop-RAG script defines them."""
    gold = [_squash(f) for f in facts]
    top = [_squash(t) for t in passage_texts[:10]]
    relevant = [any(g in t for g in gold) for t in top]
    first = next((i for i, r in enumerate(relevant) if r), None)
    found: set[str] = set()  # the script counts each distinct fact string once
    precision_sum = 0.0
    for rank, text in enumerate(top, start=1):
        if not relevant[rank - 1]:
            continue
        new = {g for g in gold if g in text and g not in found}
        found |= new
        precision_sum += len(new) / rank
    return {
        "hits@4": float(any(relevant[:4])),
        "hits@10": float(any(relevant)),
        "mrr@10": 0.0 if first is None else 1.0 / (first + 1),
        "map@10": precision_sum / min(len(gold), 10) if gold else 0.0,
    }


def article_recall(passages: Sequence[Any], query: EvalQuery, k: int = 10) -> float:
    """Share of gold evidence articles among the top-k distinct retrieved articles."""
    seen: list[Any] = []
    for p in passages:
        key = (p.url, p.title)
        if key not in seen:
            seen.append(key)
        if len(seen) == k:
            break
    gold = {(e.get("url"), e.get("title")) for e in query.evidence}
    hit = sum(1 for url, title in gold if any(url == u or title == t for u, t in seen))
    return hit / len(gold) if gold else 0.0


def fact_covered(fact: str, answer_text: str) -> bool:
    words = content_words(fact)
    if not words:
        return False
    answer_words = set(content_words(answer_text))
    return sum(w in answer_words for w in words) / len(words) >= FACT_COVERAGE


def _value_form(text: str) -> str:
    """A value as compared: lowercased, commas and repeated spaces gone ("July 21, 2017")."""
    return re.sub(r"\s+", " ", text.lower().replace(",", "")).strip()


def disagreement_metrics(answer: Answer, query: EvalQuery) -> dict[str, float]:
    """A question whose archive holds a true and a conflicting value: are both shown, each in
    a cited sentence stating it (`both_values_shown`), or only the conflicting one? A date
    counts in any written form ("Nov 12, 2020" is "November 12 2020")."""
    stated = [c.sentence for c in answer.citations]
    true = [a for a in query.answers or (query.answer,) if a.strip()]
    false = query.conflicting_answer
    true_shown = any(_states(answer.text, v) for v in true)
    true_cited = any(_states(s, v) for v in true for s in stated)
    false_shown = bool(false) and _states(answer.text, false)
    false_cited = bool(false) and any(_states(s, false) for s in stated)
    return {
        "both_values_shown": float(true_cited and false_cited),
        "only_conflicting": float(false_shown and not true_shown),
        "true_value_shown": float(true_cited),
        "disagreement_shown": float(bool(answer.disagreement)),
    }


def _states(text: str, value: str) -> bool:
    """Does `text` hold `value` (case and commas aside; a date in any written form)?"""
    if _value_form(value) in _value_form(text):
        return True
    dates = stated_values(value, "date", "")
    if len(dates) != 1 or dates[0].text.strip(" ,") != value.strip(" ,"):
        return False
    return any(dates[0].same_as(d) for d in stated_values(text, "date", ""))


def answer_metrics(answer: Answer, query: EvalQuery) -> dict[str, float]:
    out: dict[str, float] = {}
    if query.question_type == "disagreement_query":
        out["false_abstain"] = float(answer.abstained)
        out.update(disagreement_metrics(answer, query))
        return out
    if query.expect_abstain:
        out["offarchive_abstain"] = float(answer.abstained)
        return out
    if not query.evidence:
        out["null_abstain"] = float(answer.abstained)
        return out
    out["false_abstain"] = float(answer.abstained)
    facts = query.facts
    out["fact_recall"] = (
        sum(fact_covered(f, answer.text) for f in facts) / len(facts) if facts else 0.0
    )
    cited = {(c.url, c.title) for c in answer.citations}
    gold_urls, gold_titles = query.gold_urls, query.gold_titles
    if cited:
        good = sum(1 for url, title in cited if url in gold_urls or title in gold_titles)
        out["citation_precision"] = good / len(cited)
        first = list(dict.fromkeys((c.url, c.title) for c in answer.citations))[:3]
        out["gold_cited@3"] = float(any(u in gold_urls or t in gold_titles for u, t in first))
    if not answer.abstained:
        out["lead_sentences"] = float(len(answer.lead_citations))
        out["disagreement_shown"] = float(bool(answer.disagreement))
    verdict = query.answer.strip().lower().rstrip(".")
    if verdict in YES_NO:
        out.update(verdict_metrics(answer, verdict))
    if verdict not in YES_NO:
        gold = query.answer.strip().lower()
        out["answer_hit"] = float(gold in answer.text.lower())
        lead = " ".join(c.sentence for c in answer.lead_citations).lower()
        out["answer_hit_lead"] = float(gold in lead)
        if not answer.abstained:
            out["lead_confidence"] = answer.confidence
    return out


def half(query: str) -> int:
    """The question's half of the benchmark (trained on or held out): a stable hash."""
    return hashlib.sha256(query.encode("utf-8")).digest()[0] & 1


def verdict_metrics(answer: Answer, gold: str) -> dict[str, float]:
    """Was a verdict given on a yes/no question, and was it right? (`order_`: questions about
    which report came first, settled by publication dates)."""
    given = answer.verdict in YES_NO
    out = {"verdict_coverage": float(given)}
    if given:
        out["verdict_precision"] = float(answer.verdict == gold)
    if answer.verdict_basis == "dates":
        out["order_verdict_coverage"] = float(given)
        if given:
            out["order_verdict_precision"] = float(answer.verdict == gold)
    return out


def evaluate(
    queries: Sequence[EvalQuery],
    ask: Callable[..., Answer],
    progress: Callable[[Sequence[EvalQuery]], Any] | None = None,
    without_evidence: bool = False,
) -> dict[str, Any]:
    """Run every query through `ask` and aggregate the metrics overall and per type.

    `without_evidence`: each answerable query is asked with its gold articles (and their
    syndicated copies) left out, and only `unsupported_abstain` is measured: the share that
    abstains or says what is missing.
    """
    results: list[QueryResult] = []
    if without_evidence:
        queries = [q for q in queries if q.evidence]
    for query in progress(queries) if progress else queries:
        started = time.perf_counter()
        if without_evidence:
            excluded = sorted(query.gold_urls | query.gold_titles)
            answer = ask(query.query, exclude=excluded, asked_on=query.asked_on)
        else:
            answer = ask(query.query, asked_on=query.asked_on)
        elapsed = (time.perf_counter() - started) * 1000
        result = QueryResult(query.question_type, elapsed, bool(query.evidence))
        texts = [p.text for p in answer.passages]
        result.passage_tokens = [count_tokens(t) for t in texts[:10]]
        if without_evidence:
            result.answer = {"unsupported_abstain": float(answer.abstained)}
        else:
            if query.evidence:
                result.retrieval = retrieval_metrics(texts, query.facts)
                result.retrieval["article_recall@10"] = article_recall(answer.passages, query)
            result.answer = answer_metrics(answer, query)
        results.append(result)
    report = {"overall": summarise(results), "by_type": {}}
    by_type: dict[str, list[QueryResult]] = defaultdict(list)
    for r in results:
        by_type[r.question_type].append(r)
    report["by_type"] = {name: summarise(rs) for name, rs in sorted(by_type.items())}
    return report


ANSWER_METRICS = (
    "fact_recall",
    "citation_precision",
    "gold_cited@3",
    "answer_hit",
    "answer_hit_lead",
    "null_abstain",
    "false_abstain",
    "unsupported_abstain",
    "offarchive_abstain",
    "verdict_precision",
    "verdict_coverage",
    "order_verdict_precision",
    "order_verdict_coverage",
    "both_values_shown",
    "only_conflicting",
    "true_value_shown",
    "disagreement_shown",
)


def summarise(results: Sequence[QueryResult]) -> dict[str, Any]:
    def mean_of(key: str, group: str) -> float | None:
        values = [getattr(r, group)[key] for r in results if key in getattr(r, group)]
        return round(statistics.fmean(values), 4) if values else None

    latencies = sorted(r.latency_ms for r in results)
    tokens = [t for r in results for t in r.passage_tokens]
    summary: dict[str, Any] = {"queries": len(results)}
    for key in ("hits@4", "hits@10", "mrr@10", "map@10", "article_recall@10"):
        summary[key] = mean_of(key, "retrieval")
    for key in ANSWER_METRICS:
        summary[key] = mean_of(key, "answer")
    leads = sorted(r.answer["lead_sentences"] for r in results if "lead_sentences" in r.answer)
    summary["lead_sentences_mean"] = round(statistics.fmean(leads), 2) if leads else None
    summary["lead_sentences_p90"] = round(_percentile(leads, 90), 1) if leads else None
    summary["calibration"] = calibration(
        [
            (r.answer["lead_confidence"], r.answer["answer_hit_lead"])
            for r in results
            if "lead_confidence" in r.answer
        ]
    )
    summary["latency_p50_ms"] = round(_percentile(latencies, 50), 1) if latencies else None
    summary["latency_p95_ms"] = round(_percentile(latencies, 95), 1) if latencies else None
    summary["passage_tokens_mean"] = round(statistics.fmean(tokens), 1) if tokens else None
    summary["passage_tokens_max"] = max(tokens) if tokens else None
    return summary


CONFIDENCE_BANDS = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01))
ECE_BINS = 10


def calibration(pairs: Sequence[tuple[float, float]]) -> dict[str, Any] | None:
    """Does `Answer.confidence` mean what it says, over answered questions whose gold answer
    is a string (not yes/no) and (confidence, 1 when the lead holds it): the share right in
    each band, and the expected calibration error over ten equal-width bins."""
    if not pairs:
        return None
    bands = []
    for low, high in CONFIDENCE_BANDS:
        inside = [(c, r) for c, r in pairs if low <= c < high]
        bands.append(
            {
                "band": f"{low:.1f}-{min(high, 1.0):.1f}",
                "answers": len(inside),
                "confidence": round(statistics.fmean(c for c, _ in inside), 4) if inside else None,
                "right": round(statistics.fmean(r for _, r in inside), 4) if inside else None,
            }
        )
    ece = 0.0
    for b in range(ECE_BINS):
        inside = [
            (c, r)
            for c, r in pairs
            if b / ECE_BINS <= c < (b + 1) / ECE_BINS or (c >= 1 and b == ECE_BINS - 1)
        ]
        if inside:
            gap = statistics.fmean(c for c, _ in inside) - statistics.fmean(r for _, r in inside)
            ece += len(inside) / len(pairs) * abs(gap)
    return {"answers": len(pairs), "ece": round(ece, 4), "bands": bands}


def _percentile(sorted_values: Sequence[float], pct: float) -> float:
    if len(sorted_values) == 1:
        return sorted_values[0]
    rank = (len(sorted_values) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low)


@dataclass(frozen=True)
class TwoTurns:
    """A first question, a follow-up that refers back to it, and the articles (urls or
    titles) the follow-up should be answered from."""

    first: str
    followup: str
    expected: frozenset[str]
    answer_hints: tuple[str, ...] = ()


def load_conversations(path: Path | str) -> list[TwoTurns]:
    """Two-turn conversations from a JSON file like tests/data/followups.json."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [
        TwoTurns(
            c["first"],
            c["followup"],
            frozenset(
                k
                for a in c["expected"]
                for k in ((a.get("url") or "").rstrip("/"), a.get("title"))
                if k
            ),
            tuple(c.get("answer_hints", ())),
        )
        for c in data["conversations"]
    ]


STORY_SOURCES = 3  # a follow-up stays in the story when one of its first sources is expected


def cites_story(answer: Answer, expected: frozenset[str], first: int = STORY_SOURCES) -> bool:
    """Is one of the answer's first `first` numbered sources an expected article?"""
    return any(
        c.n <= first and ((c.url or "").rstrip("/") in expected or c.title in expected)
        for c in answer.citations
    )


def evaluate_followups(
    conversations: Sequence[TwoTurns], ask: Callable[..., Answer]
) -> dict[str, Any]:
    """Ask each first question, then its follow-up with the first answer as history.

    `story`: the share of follow-ups whose first three sources include an expected article;
    `answer_hint`: the share whose lead holds the expected fact; `alone_story`: the same
    follow-ups asked without history, for comparison; `abstained`: follow-ups declined.
    """
    rows = []
    for c in conversations:
        first = ask(c.first)
        follow = ask(c.followup, history=[first])
        alone = ask(c.followup)
        lead = " ".join(x.sentence for x in follow.lead_citations)
        rows.append(
            {
                "first": c.first,
                "followup": c.followup,
                "story": cites_story(follow, c.expected),
                "first_story": cites_story(first, c.expected),
                "alone_story": cites_story(alone, c.expected),
                "answer_hint": any(h in lead for h in c.answer_hints),
                "abstained": follow.abstained,
                "cited": [x.title for x in follow.citations if x.n <= STORY_SOURCES][:1],
            }
        )
    n = len(rows) or 1
    summary = {
        key: round(sum(r[key] for r in rows) / n, 4)
        for key in ("story", "answer_hint", "first_story", "alone_story", "abstained")
    }
    return {"conversations": len(rows), **summary, "rows": rows}
