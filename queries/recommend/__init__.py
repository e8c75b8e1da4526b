"""University–enterprise pairing recommendations: features, scores, the registered queries."""

from queries.recommend.pairing import recommend_pairings, recommend_partners

__all__ = ["recommend_pairings", "recommend_partners"]
