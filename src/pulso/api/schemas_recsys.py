"""Request and response models of the recommendations endpoints."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

__all__ = ["PreferencesIn", "RecommendationsOut", "RecommendedDishOut"]


class RecommendedDishOut(BaseModel):
    """A recommended dish, its blended score and why it is recommended (Spanish text)."""

    dish_id: int
    name: str
    category: str | None
    price_pen: float | None
    score: float
    reason: str = Field(examples=["porque te gustó Lomo saltado"])
    reason_kind: Literal["liked", "similar_diners", "new_similar"]
    because_of: str | None = Field(
        default=None, description="The dish the reason names, when it names one."
    )


class RecommendationsOut(BaseModel):
    """The top-k dishes of one restaurant for a diner."""

    restaurant_id: int
    diner_key: str | None = Field(description="The diner's keyed hash; null for anonymous.")
    model_version: int
    k: int
    items: list[RecommendedDishOut]


class PreferencesIn(BaseModel):
    """What an anonymous diner tells us: liked and disliked dishes or words, and limits.

    ``likes`` and ``dislikes`` hold dish names (``"Lomo saltado"``), dish ids (``"42"``) or
    words matched against the dishes' tags, ingredients and categories (``"picante"``,
    ``"mariscos"``, ``"ceviches"``). ``restrictions`` are diets (``vegetariano``,
    ``sin gluten``, ``sin mariscos``, ``vegano``, ``sin cerdo``); ``allergies`` are allergens
    (``maní``, ``mariscos``, ``lácteos``, ``gluten``, ``huevo``, ``pescado``, ``soya``) or any
    ingredient word; ``exclude`` holds the dish ids already ordered on this visit.
    """

    likes: list[str] = Field(default_factory=list, max_length=50)
    dislikes: list[str] = Field(default_factory=list, max_length=50)
    restrictions: list[str] = Field(default_factory=list, max_length=10)
    allergies: list[str] = Field(default_factory=list, max_length=20)
    exclude: list[int] = Field(default_factory=list, max_length=100)
    k: int = Field(default=10, ge=1, le=50)
