"""Recomendaciones: dishes for a known diner, or for a new one from stated likes and limits.

The page calls the same functions that answer ``/api/v1/restaurants/.../recommendations``, so
the dashboard and the API always recommend the same dishes for the same question.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from pulso.api.deps import SessionDep
from pulso.api.routers.recommendations import anonymous_recommendations, diner_recommendations
from pulso.api.schemas_recsys import PreferencesIn, RecommendationsOut
from pulso.errors import InputError, ModelNotFittedError, NotFoundError
from pulso.recsys.serving import ALLERGENS, DIETS
from pulso.store.queries import recsys as recsys_queries
from pulso.web.context import PageContext, PageDep
from pulso.web.i18n import N_
from pulso.web.loading import FilterOptions, cached_by_ingest, tables_exist
from pulso.web.rendering import respond
from pulso.web.tables import rows_from

router = APIRouter(include_in_schema=False)

_DINER_CHOICES = 40
_K = 8
_MAX_TERMS = 20
#: Why a dish is recommended (``reason_kind``), as a short badge.
REASON_KINDS = {
    "liked": N_("Like what you liked"),
    "similar_diners": N_("Popular with diners like you"),
    "new_similar": N_("New on the menu"),
}


@dataclass(frozen=True, slots=True)
class Question:
    """What the form asked: a known diner, or stated likes, dislikes, diets and allergies."""

    mode: str
    restaurant_id: int | None
    diner_key: str
    likes: list[str]
    dislikes: list[str]
    restrictions: list[str]
    allergies: list[str]

    @property
    def asked(self) -> bool:
        if self.restaurant_id is None:
            return False
        return bool(self.diner_key) if self.mode == "diner" else True


def _terms(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()][:_MAX_TERMS]


def _question(context: PageContext) -> Question:
    params = context.request.query_params
    return Question(
        mode="new" if params.get("mode") == "new" else "diner",
        restaurant_id=context.filters.restaurant,
        diner_key=(params.get("diner") or "").strip().lower()[:64],
        likes=_terms(params.get("likes")),
        dislikes=_terms(params.get("dislikes")),
        restrictions=[r for r in params.getlist("restriction") if r in DIETS],
        allergies=[a for a in params.getlist("allergy") if a in ALLERGENS],
    )


def _ask(session: Session, question: Question) -> RecommendationsOut:
    assert question.restaurant_id is not None
    if question.mode == "diner":
        return diner_recommendations(
            session,
            question.restaurant_id,
            question.diner_key,
            k=_K,
            exclude=[],
            restrictions=question.restrictions,
            allergies=question.allergies,
        )
    preferences = PreferencesIn(
        likes=question.likes,
        dislikes=question.dislikes,
        restrictions=question.restrictions,
        allergies=question.allergies,
        k=_K,
    )
    return anonymous_recommendations(session, question.restaurant_id, preferences)


def _diner_choices(session: Session) -> list[tuple[str, str]]:
    diners = recsys_queries.read_diners(session.connection()).head(_DINER_CHOICES)
    choices = []
    for row in rows_from(diners, ["diner_key", "district", "age_band", "diet"]):
        key = str(row["diner_key"])
        details = [str(v) for v in (row["district"], row["age_band"]) if isinstance(v, str) and v]
        diet = ", ".join(str(d) for d in row["diet"] or [])
        label = " · ".join([f"{key[:10]}…", *details, *([diet] if diet else [])])
        choices.append((key, label))
    return choices


@router.get("/recommendations")
def recommendations_page(context: PageDep, session: SessionDep) -> Response:
    question = _question(context)
    trained = tables_exist(session, "insight_recommender_state") and (
        recsys_queries.production_recommender(session) is not None
    )
    answer: RecommendationsOut | None = None
    problem: str | None = None
    if trained and question.asked:
        try:
            answer = _ask(session, question)
        except NotFoundError:
            problem = context.gettext(
                "No diner or restaurant with that key. Pick one from the list."
            )
        except (InputError, ModelNotFittedError) as exc:
            problem = str(exc)
    items: list[dict[str, Any]] = [
        item.model_dump()
        | {"kind_label": context.gettext(REASON_KINDS.get(item.reason_kind, item.reason_kind))}
        for item in (answer.items if answer else [])
    ]
    return respond(
        context,
        "pages/recommendations.html",
        options=FilterOptions.load(session).as_dict(),
        diners=cached_by_ingest(session, "diner_choices", lambda: _diner_choices(session))
        if trained
        else [],
        diets=list(DIETS),
        allergens=list(ALLERGENS),
        question=question,
        items=items,
        answer=answer,
        problem=problem,
        trained=trained,
        page_title=N_("Recommendations"),
        page_intro=N_(
            "Dishes for a diner, with the reason: pick a known diner, or state likes and restrictions."
        ),
    )
