"""Restaurant customer preferences: feedback NLP (sentiment, aspects, topics), dining
patterns, diner segments, menu engineering, and retail shopper preferences."""

from pulso.customers.aspects import ASPECTS, AspectSentiment, extract_aspects, load_aspect_index
from pulso.customers.evaluation import (
    AspectEvaluation,
    ClassAgreement,
    class_agreement,
    evaluate_aspects,
    segment_agreement,
)
from pulso.customers.feedback import (
    FeedbackModel,
    FeedbackScores,
    aggregate_sentiment,
    fit_feedback_model,
    score_feedback,
    summarise_dish_sentiment,
)
from pulso.customers.labelled_feedback import (
    LabelledFeedback,
    cross_validate_sentiment,
    read_labelled_feedback,
)
from pulso.customers.lexicon import (
    SENTIMENT_LABELS,
    LexiconSentiment,
    label_for_score,
    load_lexicon,
    score_text,
)
from pulso.customers.menu_engineering import (
    MENU_CLASSES,
    SUGGESTION_ACTIONS,
    MenuSuggestion,
    engineer_menu,
    suggest_menu_actions,
)
from pulso.customers.model_store import ModelStore
from pulso.customers.occasions import OCCASION_NAMES, dining_occasions
from pulso.customers.patterns import DiningPatterns, dining_patterns, orders_from_lines
from pulso.customers.segments import DinerSegmenter, SegmentName, diner_features, name_segment
from pulso.customers.sentiment import (
    ClassMetrics,
    FeedbackSentiment,
    LexiconFeatures,
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
from pulso.customers.shoppers import (
    ShopperSegmenter,
    segment_preferences,
    shopper_features,
    survey_scores,
)
from pulso.customers.text import Clause, detect_language, fold_text, split_clauses, tokenize
from pulso.customers.topics import FeedbackTopics, TopicShares, summarise_topics

__all__ = [
    "ASPECTS",
    "MENU_CLASSES",
    "OCCASION_NAMES",
    "SENTIMENT_LABELS",
    "SUGGESTION_ACTIONS",
    "AspectEvaluation",
    "AspectSentiment",
    "ClassAgreement",
    "ClassMetrics",
    "Clause",
    "DinerSegmenter",
    "DiningPatterns",
    "FeedbackModel",
    "FeedbackScores",
    "FeedbackSentiment",
    "FeedbackTopics",
    "LabelledFeedback",
    "LexiconFeatures",
    "LexiconSentiment",
    "MenuSuggestion",
    "ModelStore",
    "SegmentName",
    "SentimentClassifier",
    "SentimentEvaluation",
    "ShopperSegmenter",
    "TopicShares",
    "aggregate_sentiment",
    "analyze_feedback",
    "analyze_feedback_batch",
    "class_agreement",
    "cross_validate_sentiment",
    "detect_language",
    "diner_features",
    "dining_occasions",
    "dining_patterns",
    "engineer_menu",
    "evaluate_aspects",
    "evaluate_sentiment",
    "extract_aspects",
    "fit_feedback_model",
    "fold_text",
    "label_for_score",
    "labels_from_ratings",
    "load_aspect_index",
    "load_lexicon",
    "load_sentiment_model",
    "name_segment",
    "orders_from_lines",
    "prepare_text",
    "read_labelled_feedback",
    "read_model_metadata",
    "save_sentiment_model",
    "score_feedback",
    "score_text",
    "segment_agreement",
    "segment_preferences",
    "shopper_features",
    "split_clauses",
    "suggest_menu_actions",
    "summarise_dish_sentiment",
    "summarise_topics",
    "survey_scores",
    "tokenize",
    "train_sentiment_model",
]
