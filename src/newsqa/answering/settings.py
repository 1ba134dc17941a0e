"""The composer's section of the settings: how an answer is put together from sentences."""

from __future__ import annotations

from dataclasses import dataclass

from newsqa.config import Settings


@dataclass(frozen=True)
class ComposerSettings:
    """The composer's tunables (env `NEWSQA_<SETTING>`, named in the comments)."""

    max_sentences: int = Settings.answer_sentences  # ANSWER_SENTENCES
    abstain_threshold: float | None = Settings.abstain_threshold  # None: by question shape
    min_confidence: float = Settings.min_confidence  # a user's own, higher bar
    articles: int = Settings.answer_articles  # ANSWER_ARTICLES
    per_article: int = Settings.sentences_per_article  # SENTENCES_PER_ARTICLE
    prior_weight: float = Settings.lead_prior_weight  # LEAD_PRIOR_WEIGHT
    type_bonus: float = Settings.lead_type_bonus  # LEAD_TYPE_BONUS
    outlet_bonus: float = Settings.lead_outlet_bonus  # LEAD_OUTLET_BONUS
    date_bonus: float = Settings.lead_date_bonus  # LEAD_DATE_BONUS
    recency_bonus: float = Settings.lead_recency_bonus  # LEAD_RECENCY_BONUS
    near_days: float = Settings.recency_days  # RECENCY_DAYS: e^-1 of the bonus this far away
    pair_weight: float = Settings.term_pair_weight  # TERM_PAIR_WEIGHT
    duplicate_overlap: float = Settings.duplicate_overlap  # DUPLICATE_OVERLAP
    lead_gain: float = Settings.lead_min_gain  # LEAD_MIN_GAIN
    cite_threshold: float = Settings.cite_threshold  # CITE_THRESHOLD
    cite_named_threshold: float = Settings.cite_named_threshold  # CITE_NAMED_THRESHOLD
    verdicts: bool = Settings.verdicts  # VERDICTS: yes/no questions get a verdict
    verdict_bar: float | None = Settings.verdict_bar  # VERDICT_BAR: P(yes) or P(no) to give one
    disagreement: bool = Settings.disagreement  # DISAGREEMENT: show values reports differ on
    disagreement_margin: float = Settings.disagreement_margin  # DISAGREEMENT_MARGIN
    disagreement_floor: float = Settings.disagreement_floor  # DISAGREEMENT_FLOOR
    disagreement_overlap: float = Settings.disagreement_overlap  # DISAGREEMENT_OVERLAP

    @classmethod
    def from_settings(cls, settings: Settings) -> ComposerSettings:
        return cls(
            max_sentences=settings.answer_sentences,
            abstain_threshold=settings.abstain_threshold,
            min_confidence=settings.min_confidence,
            articles=settings.answer_articles,
            per_article=settings.sentences_per_article,
            prior_weight=settings.lead_prior_weight,
            type_bonus=settings.lead_type_bonus,
            outlet_bonus=settings.lead_outlet_bonus,
            date_bonus=settings.lead_date_bonus,
            recency_bonus=settings.lead_recency_bonus,
            near_days=settings.recency_days,
            pair_weight=settings.term_pair_weight,
            duplicate_overlap=settings.duplicate_overlap,
            lead_gain=settings.lead_min_gain,
            cite_threshold=settings.cite_threshold,
            cite_named_threshold=settings.cite_named_threshold,
            verdicts=settings.verdicts,
            verdict_bar=settings.verdict_bar,
            disagreement=settings.disagreement,
            disagreement_margin=settings.disagreement_margin,
            disagreement_floor=settings.disagreement_floor,
            disagreement_overlap=settings.disagreement_overlap,
        )
