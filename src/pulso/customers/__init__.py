"""Restaurant customer preferences: offline Spanish/English feedback NLP."""

from pulso.customers.aspects import ASPECTS, AspectSentiment, extract_aspects, load_aspect_index
from pulso.customers.lexicon import (
    SENTIMENT_LABELS,
    LexiconSentiment,
    label_for_score,
    load_lexicon,
    score_text,
)
from pulso.customers.sentiment import (
    ClassMetrics,
    FeedbackSentiment,
    SentimentClassifier,
    SentimentEvaluation,
    analyze_feedback,
    analyze_feedback_batch,
    evaluate_sentiment,
    labels_from_ratings,
    load_sentiment_model,
    prepare_text,
    read_model_metadata,
    save_sentiment_model,
    train_sentiment_model,
)
from pulso.customers.text import Clause, detect_language, fold_text, split_clauses, tokenize

__all__ = [
    "ASPECTS",
    "SENTIMENT_LABELS",
    "AspectSentiment",
    "ClassMetrics",
    "Clause",
    "FeedbackSentiment",
    "LexiconSentiment",
    "SentimentClassifier",
    "SentimentEvaluation",
    "analyze_feedback",
    "analyze_feedback_batch",
    "detect_language",
    "evaluate_sentiment",
    "extract_aspects",
    "fold_text",
    "label_for_score",
    "labels_from_ratings",
    "load_aspect_index",
    "load_lexicon",
    "load_sentiment_model",
    "prepare_text",
    "read_model_metadata",
    "save_sentiment_model",
    "score_text",
    "split_clauses",
    "tokenize",
    "train_sentiment_model",
]
