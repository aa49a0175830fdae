"""Retail competitive intelligence: matching, price comparison, promotions, clusters, alerts."""

from pulso.pricing.alerts import AlertRules
from pulso.pricing.clustering import StrategyClusterer, name_clusters, strategy_features
from pulso.pricing.comparison import compare_prices
from pulso.pricing.match_review import MatchPolicy, propose_matches
from pulso.pricing.matching import (
    FEATURE_NAMES,
    MATCH_COLUMNS,
    MatchClassifier,
    evaluate_matches,
    match_listings,
    pair_features,
    score_with_rules,
    train_match_classifier,
)
from pulso.pricing.names import BrandLexicon, ParsedName, normalize_name, parse_name
from pulso.pricing.panel import build_panel, detect_price_anomalies
from pulso.pricing.price_index import compute_price_index
from pulso.pricing.promo_text import PromoParse, PromoType, parse_promo, parse_promos
from pulso.pricing.promotions import parse_promotions, promo_calendar, promo_stats

__all__ = [
    "FEATURE_NAMES",
    "MATCH_COLUMNS",
    "AlertRules",
    "BrandLexicon",
    "MatchClassifier",
    "MatchPolicy",
    "ParsedName",
    "PromoParse",
    "PromoType",
    "StrategyClusterer",
    "build_panel",
    "compare_prices",
    "compute_price_index",
    "detect_price_anomalies",
    "evaluate_matches",
    "match_listings",
    "name_clusters",
    "normalize_name",
    "pair_features",
    "parse_name",
    "parse_promo",
    "parse_promos",
    "parse_promotions",
    "promo_calendar",
    "promo_stats",
    "propose_matches",
    "score_with_rules",
    "strategy_features",
    "train_match_classifier",
]
