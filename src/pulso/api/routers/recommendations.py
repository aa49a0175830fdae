"""``/api/v1/restaurants``: dish recommendations for a known diner or an anonymous one.

Both endpoints read the production recommender's serving index (written by the
``train_recommender`` step; cached per model version in the process) and rank the restaurant's
active dishes in-process. Diners are addressed by the keyed hash the store keeps
(``diner_key``), never by the POS id. 409 when no recommender has been trained yet.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Annotated

import numpy as np
from fastapi import APIRouter, Path, Query
from sqlalchemy.orm import Session

from pulso.api.deps import SessionDep
from pulso.api.schemas_recsys import PreferencesIn, RecommendationsOut, RecommendedDishOut
from pulso.errors import ModelNotFittedError, NotFoundError
from pulso.ingest.values import fold_text
from pulso.recsys.serving import DIETS, DinerProfile, Recommendation, ServingIndex
from pulso.store.queries import recsys as queries
from pulso.store.tables import Diner, Dish, ModelVersion, Restaurant

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/restaurants", tags=["recommendations"])

_CACHE: OrderedDict[tuple[str, int, str], ServingIndex] = OrderedDict()
_CACHE_SIZE = 4
_DIET_TOKENS = ("diet", "age_band", "gender", "district")


def _serving_index(session: Session) -> tuple[ModelVersion, ServingIndex]:
    version = queries.production_recommender(session)
    if version is None:
        raise ModelNotFittedError(
            "no recommender is trained yet: run `pulso pipeline run train_recommender`"
        )
    key = (str(session.get_bind().engine.url), version.id, version.created_at.isoformat())
    if key not in _CACHE:
        state = queries.recommender_state(session, version.id)
        if state is None:
            raise ModelNotFittedError(f"recommender version {version.version} has no serving rows")
        _CACHE[key] = ServingIndex.from_bytes(state.payload)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    _CACHE.move_to_end(key)
    return version, _CACHE[key]


def _restaurant(session: Session, restaurant_id: int) -> tuple[Restaurant, dict[str, Dish]]:
    restaurant = queries.find_restaurant(session, restaurant_id)
    if restaurant is None:
        raise NotFoundError(f"restaurant {restaurant_id} not found")
    menu = {str(dish.id): dish for dish in queries.restaurant_dishes(session, restaurant_id)}
    return restaurant, menu


def _diner_tokens(diner: Diner) -> list[str]:
    tokens = [f"diet={fold_text(d)}" for d in diner.diet or []]
    tokens += [
        f"{name}={fold_text(value)}"
        for name in _DIET_TOKENS[1:]
        if isinstance(value := getattr(diner, name), str) and value.strip()
    ]
    return tokens


def _known_profile(
    session: Session, index: ServingIndex, version: ModelVersion, diner: Diner
) -> DinerProfile:
    row = queries.diner_embedding(session, version.id, diner.id)
    if row is not None:
        vector = np.frombuffer(row.vector, dtype="<f4").astype(np.float64)
        return index.profile(
            vector, [(str(i), float(w)) for i, w in row.history], group=row.group_index
        )
    # A diner newer than the model: fold him in from his orders and his side features.
    ordered = index.positions(
        str(dish_id) for dish_id, _ in queries.read_diner_history(session, diner.id)
    )
    return index.profile_from_preferences(liked=ordered, tokens=_diner_tokens(diner))


def _diets(values: list[str]) -> list[str]:
    """The restrictions a recommender understands (diner diets may hold other notes)."""
    return [value for value in values if fold_text(value) in DIETS]


def _response(
    items: list[Recommendation],
    menu: dict[str, Dish],
    *,
    restaurant: Restaurant,
    diner_key: str | None,
    version: ModelVersion,
    k: int,
) -> RecommendationsOut:
    return RecommendationsOut(
        restaurant_id=restaurant.id,
        diner_key=diner_key,
        model_version=version.version,
        k=k,
        items=[
            RecommendedDishOut(
                dish_id=int(item.item_id),
                name=item.name,
                category=menu[item.item_id].category,
                price_pen=menu[item.item_id].price_pen,
                score=round(item.score, 4),
                reason=item.reason,
                reason_kind=item.reason_kind,
                because_of=item.because_of,
            )
            for item in items
        ],
    )


@router.get(
    "/{restaurant_id}/diners/{diner_key}/recommendations",
    response_model=RecommendationsOut,
    summary="Top-k dishes of a restaurant for a known diner, each with a reason",
)
def diner_recommendations(
    session: SessionDep,
    restaurant_id: Annotated[int, Path(ge=1)],
    diner_key: Annotated[str, Path(min_length=8, max_length=64, pattern="^[0-9a-f]+$")],
    k: Annotated[int, Query(ge=1, le=50)] = 10,
    exclude: Annotated[list[int], Query(description="Dish ids ordered on this visit.")] = [],  # noqa: B006
    restrictions: Annotated[list[str], Query(description="Extra diets to respect.")] = [],  # noqa: B006
    allergies: Annotated[list[str], Query(description="Allergens to avoid.")] = [],  # noqa: B006
    include_ordered: Annotated[
        bool, Query(description="Also suggest dishes the diner ordered on earlier visits.")
    ] = False,
) -> RecommendationsOut:
    """The diner's own diet (from the store) always applies; 404 for an unknown diner.

    A diner newer than the trained model is folded in from his orders and side features.
    """
    restaurant, menu = _restaurant(session, restaurant_id)
    diner = queries.find_diner(session, diner_key)
    if diner is None:
        raise NotFoundError(f"diner {diner_key} not found")
    version, index = _serving_index(session)
    profile = _known_profile(session, index, version, diner)
    items = index.recommend(
        profile,
        k=k,
        restaurant=str(restaurant.id),
        candidates=menu,
        restrictions=_diets([*(diner.diet or []), *restrictions]),
        allergies=allergies,
        exclude=[str(d) for d in exclude],
        exclude_history=not include_ordered,
    )
    return _response(items, menu, restaurant=restaurant, diner_key=diner_key, version=version, k=k)


@router.post(
    "/{restaurant_id}/recommendations",
    response_model=RecommendationsOut,
    summary="Top-k dishes for an anonymous diner from stated likes, dislikes and limits",
)
def anonymous_recommendations(
    session: SessionDep,
    restaurant_id: Annotated[int, Path(ge=1)],
    preferences: PreferencesIn,
) -> RecommendationsOut:
    """422 for an unknown dietary restriction."""
    restaurant, menu = _restaurant(session, restaurant_id)
    version, index = _serving_index(session)
    liked, liked_terms = index.resolve(preferences.likes)
    disliked, disliked_terms = index.resolve(preferences.dislikes)
    profile = index.profile_from_preferences(
        liked=liked,
        disliked=disliked,
        liked_terms=liked_terms,
        disliked_terms=disliked_terms,
        tokens=[f"diet={fold_text(r)}" for r in preferences.restrictions],
    )
    items = index.recommend(
        profile,
        k=preferences.k,
        restaurant=str(restaurant.id),
        candidates=menu,
        restrictions=preferences.restrictions,
        allergies=preferences.allergies,
        exclude=[str(d) for d in preferences.exclude]
        + [index.item_ids[p] for p in (*liked, *disliked)],
        exclude_history=False,
    )
    return _response(
        items, menu, restaurant=restaurant, diner_key=None, version=version, k=preferences.k
    )
