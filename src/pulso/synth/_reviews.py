"""Review text writer for the demo restaurants: Peruvian Spanish (and some English).

A review is built from the aspects it mentions, each with a planted polarity. Every
(language, aspect, polarity) cell holds many clause templates (at least 25 in Spanish and 10 in
English) with slots that are filled compositionally: a subject noun phrase (``{np}``), a copula
(``{cop}``), an adjective with an optional intensifier (``{adj}``), an adjective that agrees in
gender and number with the subject (``{a:rico}``), the ordered dish (``{dish}``,
``{dish_bare}``), its price, minutes waited, the party size... Clauses are joined with
connectors that mark contrast when the polarity changes ("rico pero caro"), wrapped in
neutral openers ("Fuimos en familia un domingo.") and closings that follow the overall
polarity, and then roughened: elongations ("riquísimoooo"), emojis, missing accents,
chat abbreviations ("q", "xq", "tb") and one-letter typos at low rates.

Template mini-language: a leading ``S|`` keeps a template for dine-in orders and ``D|`` for
delivery ones. Adjectives starting with ``=`` never inflect (``=de la pm``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, TypeVar

import numpy as np

__all__ = [
    "ASPECTS",
    "POLARITIES",
    "DishRef",
    "Mention",
    "ReviewRequest",
    "ReviewWriter",
    "WrittenReview",
    "inflect",
    "templates_for",
]

ASPECTS: Final = ("food", "service", "price", "ambience", "wait")
POLARITIES: Final = ("positive", "negative", "neutral")


@dataclass(frozen=True, slots=True)
class Mention:
    """One aspect a review talks about, with the polarity it expresses."""

    aspect: str
    polarity: str


@dataclass(frozen=True, slots=True)
class DishRef:
    """How a review can refer to the dish the diner ordered."""

    short: str
    gender: str
    plural: bool
    price_pen: float


@dataclass(frozen=True, slots=True)
class ReviewRequest:
    """What to write: language, mentions (empty for a generic review) and context."""

    lang: str
    mentions: tuple[Mention, ...]
    overall: str
    dish: DishRef | None = None
    channel: str = "salón"
    party_size: int = 2
    ticket_pen: float = 60.0
    weekday: int = 5
    meal: str = "lunch"
    kind: str = "criollo"
    occasion: str | None = None


@dataclass(frozen=True, slots=True)
class WrittenReview:
    """The text and whether it names the ordered dish."""

    text: str
    mentions_dish: bool


@dataclass(frozen=True, slots=True)
class _Cell:
    templates: tuple[str, ...]
    gradable: tuple[str, ...]
    fixed: tuple[str, ...]
    shorts: tuple[str, ...]


_NP = tuple[str, str, bool]  # text, gender, plural
_T = TypeVar("_T")


def _lines(block: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in block.strip().splitlines() if line.strip())


def _words(block: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in block.split("|") if word.strip())


def _nps(block: str) -> tuple[_NP, ...]:
    out = []
    for item in _words(block):
        text, tag = item.rsplit(":", 1)
        out.append((text, tag[0], tag.endswith("p")))
    return tuple(out)


# --- Spanish ------------------------------------------------------------------------------

_ES_SUBJECTS: dict[str, tuple[_NP, ...]] = {
    "food": _nps(
        "la comida:f|la sazón:f|los platos:mp|todo:m|lo que pedimos:m|cada plato:m|"
        "el sabor:m|la comida de hoy:f"
    ),
    "service": _nps(
        "la atención:f|el servicio:m|el mozo:m|la moza:f|los mozos:mp|"
        "el personal:m|la chica que nos atendió:f|el chico que nos atendió:m|"
        "la anfitriona:f|el administrador:m"
    ),
    "price": _nps("los precios:mp|el precio:m|la cuenta:f|la carta:f|todo:m"),
    "ambience": _nps(
        "el local:m|el ambiente:m|el lugar:m|la decoración:f|el salón:m|"
        "los baños:mp|la terraza:f|el sitio:m"
    ),
    "wait": _nps("la espera:f|el tiempo de espera:m|la demora:f"),
}

_ES_COPULAS: dict[str, tuple[tuple[str, str], ...]] = {
    "food": (("estaba", "estaban"), ("estuvo", "estuvieron"), ("está", "están"), ("es", "son")),
    "service": (("fue", "fueron"), ("estuvo", "estuvieron"), ("es", "son")),
    "price": (("es", "son"), ("está", "están"), ("estaba", "estaban"), ("fue", "fueron")),
    "ambience": (("es", "son"), ("está", "están"), ("estaba", "estaban")),
    "wait": (("fue", "fueron"), ("estuvo", "estuvieron")),
}

_ES: dict[tuple[str, str], _Cell] = {
    ("food", "positive"): _Cell(
        _lines("""
            {np} {cop} {adj}
            {adj} {np}
            qué {qadj} {np}
            {np}, {adj}
            {dish} {cop} una maravilla
            {dish} de la pm
            la sazón es de otro nivel
            se nota la mano de la cocinera
            me chupé los dedos con {dish}
            {dish} {v:sabe/saben} a comida de casa
            {dish}, de lo mejor que he probado en Lima
            {dish} {v:es/son} lo máximo
            volvería solo por {dish}
            todo fresquito y bien servido
            porciones generosas, salimos llenazos
            {dish} en su punto
            no me arrepiento de haber pedido {dish}
            nada que reclamar con la comida
            {dish} no {v:tiene/tienen} pierde
            {best} {dish_bare} que he comido en mucho tiempo
            {dish} {cop} para chuparse los dedos
            todo rico, en especial {dish}
            sabor auténtico, como en casa de la abuela
            pedimos {dish} y {cop} {adj}
            se pasaron con {dish}
            {dish}, sin palabras
            buena mano en la cocina, se nota
            la sazón, buenaza
            {dish} {cop} {a:bravazo}
            {np} no {cop} nada {a:malo}, al contrario
            no hay un plato que falle
            {dish} me {v:voló/volaron} la cabeza
            cada bocado, una delicia
        """),
        _words(
            "rico|sabroso|delicioso|bueno|fresco|bien sazonado|bien servido|jugoso|"
            "contundente|exquisito|sabrosón"
        ),
        _words(
            "riquísimo|buenazo|bravazo|deliciosísimo|espectacular|=de la pm|"
            "=una maravilla|=paja|chévere|=top|=de lujo|=lo máximo|=un manjar|"
            "=de otro nivel|excelente|buenísimo"
        ),
        _words("rico|riquísimo|buenazo|delicioso|bravazo|sabroso|de la pm|muy rico|espectacular"),
    ),
    ("food", "negative"): _Cell(
        _lines("""
            {np} {cop} {adj}
            {adj} {np}
            {np} no {cop} {pos}
            {np} nada {pos}
            {dish} {v:dejó/dejaron} mucho que desear
            {dish} {cop} un desastre
            la sazón se ha perdido
            la comida ya no es lo que era
            {dish} no {v:sabía/sabían} a nada
            {dish} me {v:cayó/cayeron} {a:pesado}
            los ingredientes no eran frescos
            porciones chiquititas, nos quedamos con hambre
            {dish} {mov} {a:frío}
            le faltaba sazón a {dish}
            una decepción {dish}
            nunca más pido {dish}
            la comida, para olvidar
            no volvería por la comida
            {dish} {cop} {a:incomible}
            todo nadando en aceite
            encontré un pelo en el plato
            {dish} con sabor a recalentado
            mucho arroz y poca proteína
            {dish} no {v:valió/valieron} la pena
            qué {qadj} {np}
            la calidad de la comida ha bajado un montón
            no recomiendo {dish} para nada
            {dish} {cop} {a:salado} a morir
            la comida llegó tibia y sin gracia
            {np} {cop} de terror
            {dish} {v:tenía/tenían} un sabor raro
        """),
        _words(
            "insípido|salado|frío|seco|aguado|grasoso|duro|crudo|simple|soso|recocido|"
            "desabrido|quemado|pasado|chicloso|malo|feo"
        ),
        _words(
            "malazo|=un asco|pésimo|horrible|fatal|=sin sabor|=de terror|incomible|"
            "=para el olvido|saladísimo"
        ),
        _words("insípido|malazo|frío|salado|feo|nada rico|sin sabor|horrible"),
    ),
    ("food", "neutral"): _Cell(
        _lines("""
            {np} {cop} {adj}
            {np}, {adj}
            {dish} {cop} como en cualquier sitio
            pedí {dish}, {a:normal}
            {dish} {v:cumple/cumplen}, sin más
            la comida es la típica
            sabor normal, nada que destacar
            {dish} sin pena ni gloria
            {np} {cop} ni {a:bueno} ni {a:malo}
            porciones normales
            lo de siempre: {dish}
            probamos {dish}, {a:correcto}
            esta vez pedimos {dish}, {adj}
            {dish} {cop} {a:pasable}
            la sazón es correcta
            comida casera sencilla
            se deja comer
            platos simples, sin sorpresas
            {dish}: lo normal
            hay cosas mejores y peores por la zona
            nada extraordinario en la comida
            {dish} {a:normalito}
            sabor estándar
            {dish} {cop} lo que esperaba, ni más ni menos
            la comida cumple su función
            {np} {cop} {a:correcto}, sin más
            nada del otro mundo {dish}
            el sabor es el de siempre
        """),
        _words("normal|regular|correcto|aceptable|pasable|decente|estándar|sencillo"),
        _words(
            "=ni fu ni fa|=nada del otro mundo|=ok|=como cualquiera|=promedio|"
            "=dentro de lo esperado|=del montón|normalito"
        ),
        _words("normal|pasable|ok|regular|comida normal|ni fu ni fa"),
    ),
    ("service", "positive"): _Cell(
        _lines("""
            {np} {cop} {adj}
            {adj} {np}
            qué {qadj} {np}
            {np}, {adj}
            nos atendieron de maravilla
            S|el mozo nos recomendó {dish} y acertó
            súper pendientes de todo
            te hacen sentir en casa
            {np} siempre con una sonrisa
            nada que reclamar con la atención
            la atención, de diez
            un trato muy cálido
            atención personalizada
            S|nos trataron como reyes
            el personal conoce bien la carta
            S|nos explicaron cada plato con paciencia
            muy buena disposición del personal
            los mozos bien pilas
            atienden con cariño
            resolvieron un problemita al toque
            excelente servicio
            la atención no tiene comparación
            buen trato de principio a fin
            {np} no {cop} nada {a:antipático}, todo lo contrario
            S|nos cantaron feliz cumpleaños y todo
            un diez para {np}
            {np} {cop} un amor
            nos ayudaron a elegir sin apurarnos
            siempre atentos a que no falte nada
            qué buena onda {np}
            D|el repartidor súper amable
        """),
        _words(
            "amable|atento|cordial|servicial|educado|paciente|simpático|eficiente|"
            "bien predispuesto|cariñoso|profesional"
        ),
        _words(
            "=de primera|=un amor|=bacán|=de lujo|=top|=de diez|chévere|buenazo|"
            "amabilísimo|atentísimo|excelente|impecable|=pilas"
        ),
        _words(
            "buena atención|excelente atención|atención de primera|amables|muy atentos|"
            "atención bacán"
        ),
    ),
    ("service", "negative"): _Cell(
        _lines("""
            {np} {cop} {adj}
            {adj} {np}
            {np} no {cop} {pos}
            S|tuvimos que llamar al mozo mil veces
            se olvidaron de {dish}
            nos trajeron mal el pedido
            S|el mozo ni nos miraba
            nadie te atiende
            pésima atención
            la atención deja mucho que desear
            el personal no conoce la carta
            nos atendieron con mala cara
            qué roche con la atención
            ni un gracias
            se equivocaron en la cuenta y ni pidieron disculpas
            nadie se hizo cargo del reclamo
            atienden de mala gana
            {np} {cop} un desastre
            S|el mozo andaba en su celular
            la atención, para el olvido
            D|ni cubiertos mandaron
            S|la moza nos apuró para irnos
            con esa atención, nunca más
            la atención brilla por su ausencia
            cero amabilidad
            qué {qadj} {np}
            S|nos ignoraron todo el rato
            {np}, {adj}
            el trato, pésimo
            nos hicieron sentir que molestábamos
            D|el repartidor llegó de malas y ni saludó
        """),
        _words(
            "descortés|antipático|desatento|malcriado|distraído|desorganizado|seco|"
            "pesado|confundido|lento"
        ),
        _words(
            "pésimo|malazo|=un desastre|=de terror|fatal|=para el olvido|horrible|=cero amable"
        ),
        _words(
            "mala atención|pésima atención|atención malaza|mozos desatentos|cero amables|"
            "atención de terror"
        ),
    ),
    ("service", "neutral"): _Cell(
        _lines("""
            {np} {cop} {adj}
            {np}, {adj}
            el servicio cumplió
            atención normal
            {np} {cop} ni {a:bueno} ni {a:malo}
            S|el mozo hizo su trabajo
            atención estándar
            nos atendieron sin problemas
            ni bien ni mal la atención
            el personal hace lo que puede
            servicio básico
            atención de lo más normal
            tomaron el pedido y ya
            S|sin mayor conversa con el mozo
            lo justo en atención
            la atención es la de siempre
            S|nos atendió un mozo joven, correcto
            {np} {cop} {a:correcto}, nada más
            atención promedio
            el servicio es el típico de {kind}
            ni muy amables ni antipáticos
            nos atendieron sin mucha conversa
            el servicio, como en cualquier {kind}
            atención correcta pero fría
            nada que destacar de la atención
            {np} {cop} {a:cumplidor}
            un servicio de lo más común
        """),
        _words("normal|correcto|aceptable|regular|cumplidor|estándar|formal"),
        _words("=ni fu ni fa|=lo justo|=promedio|=del montón|=sin más"),
        _words("atención normal|servicio correcto|atención regular|servicio normal"),
    ),
    ("price", "positive"): _Cell(
        _lines("""
            {np} {cop} {adj}
            {adj} {np}
            {np}, {adj}
            buena relación calidad-precio
            vale cada sol
            con {soles} soles comimos bien
            sale a cuenta
            {dish} a {price} es un regalo
            precios de barrio
            {np} no {cop} {neg} para nada
            comes sin gastar mucho
            la cuenta salió baratísima
            pagas lo justo
            precio justo
            precios cómodos
            bueno, bonito y barato
            vale la pena lo que pagas
            no te clavan con la cuenta
            económico para la zona
            nada que reclamar con los precios
            no me dolió la cuenta
            las promos de la semana están buenazas
            {dish} a {price}, buen precio
            precio justo para lo que sirven
            por lo que pagas, está perfecto
            más barato que en otros sitios
            {dish} a {price}, {a:regalado}
            cuenta amigable para el bolsillo
        """),
        _words("barato|económico|accesible|justo|razonable|cómodo|módico"),
        _words(
            "baratísimo|regalado|=bien de precio|=a buen precio|=al alcance de todos|"
            "=una ganga|baratito"
        ),
        _words("barato|económico|buen precio|precio justo|baratito|bien de precio"),
    ),
    ("price", "negative"): _Cell(
        _lines("""
            {np} {cop} {adj}
            {adj} {np}
            {np}, {adj}
            {dish} a {price}? una estafa
            te clavan con la cuenta
            no vale lo que cuesta
            {np} no {cop} {pos}
            caro para lo que es
            la cuenta salió salada
            cobran hasta el pan
            cobran el servicio sin avisar
            precios inflados
            para ese precio esperaba más
            no hay relación calidad-precio
            el cubierto lo cobran aparte
            nos cobraron de más
            subieron los precios otra vez
            {price} por {dish}, exagerado
            más caro que en otros sitios
            muy caro para volver
            qué {qadj} {np}
            pagamos {soles} soles por algo que no lo vale
            precios de restaurante de lujo sin serlo
            la cuenta fue un asalto
            un robo lo que cobran
            {dish} {cop} {a:caro} para lo que es
            con lo que {v:cuesta/cuestan} {dish} comes dos veces en otro lado
            los precios están por las nubes
        """),
        _words("caro|excesivo|elevado|abusivo|salado|inflado"),
        _words("carísimo|=recontra caro|=una estafa|=un robo|=un asalto|=por las nubes|exagerado"),
        _words("caro|carísimo|recontra caro|salado|muy caro|caro para lo que es"),
    ),
    ("price", "neutral"): _Cell(
        _lines("""
            {np} {cop} {adj}
            {np}, {adj}
            precio normal
            precios promedio
            ni caro ni barato
            {dish} a {price}, lo normal
            pagas lo que comes
            precios de mercado
            precios como en todos lados
            la cuenta salió lo esperado
            no es barato pero tampoco caro
            precio estándar para la zona
            el precio es el de siempre
            cobran lo normal para la zona
            {np} {cop} {a:acorde} a la zona
            {dish} {v:cuesta/cuestan} {price}
            pagamos unos {soles} soles
            precios dentro del promedio
            ni regalado ni una estafa
            los precios no han cambiado
            {soles} soles para {people}, normal
            precios acordes a lo que ofrecen
            {np} {cop} lo que uno espera
            el precio está en la media
            pagas lo mismo que en cualquier {kind}
            ni muy caro ni muy barato
        """),
        _words("normal|regular|estándar|moderado|aceptable"),
        _words("=promedio|=lo normal|=ni fu ni fa|=dentro de lo esperado|=en la media"),
        _words("precio normal|precio promedio|ni caro ni barato|precios normales"),
    ),
    ("ambience", "positive"): _Cell(
        _lines("""
            {np} {cop} {adj}
            {adj} {np}
            qué {qadj} {np}
            {np}, {adj}
            buena vibra en el local
            ideal para ir en familia
            perfecto para una cita
            buena música, se puede conversar
            todo muy limpio
            los baños impecables
            el local está bien cuidado
            te sientes muy cómodo
            hay zona para niños
            decoración con mucho estilo
            el lugar tiene su encanto
            ambiente familiar
            linda vista desde la terraza
            un local acogedor
            música criolla de fondo, un lujo
            {np} {cop} un lujo
            mesas cómodas y espaciosas
            se respira tranquilidad
            muy bien ambientado
            nada ruidoso el local
            iluminación perfecta
            con estacionamiento, súper cómodo
            el local siempre limpiecito
            da gusto estar ahí
        """),
        _words(
            "acogedor|agradable|bonito|limpio|tranquilo|amplio|cómodo|lindo|bien decorado|"
            "bien iluminado|ventilado|cálido"
        ),
        _words("chévere|=paja|=bacán|=de lujo|=con mucha onda|precioso|impecable|limpiecito"),
        _words("lindo local|local bonito|acogedor|buen ambiente|limpio|local chévere"),
    ),
    ("ambience", "negative"): _Cell(
        _lines("""
            {np} {cop} {adj}
            {adj} {np}
            {np} no {cop} {pos}
            no se podía conversar con la bulla
            la música a todo volumen
            olor a fritura en todo el local
            los baños dan pena
            mesas pegadas unas a otras
            el local se cae a pedazos
            moscas por todos lados
            hacía un calor terrible adentro
            sillas incómodas
            el ambiente no invita a quedarse
            la tele a todo volumen con el partido
            local sucio, qué roche
            qué {qadj} {np}
            {np}, {adj}
            las mesas pegajosas
            el baño sin papel ni jabón
            demasiada gente, parecía mercado
            el local huele a humedad
            {np} {cop} un desastre
            oscuro y deprimente el lugar
            el aire acondicionado no funcionaba
            ruido de la calle todo el rato
            el local necesita una manito de pintura
            los manteles manchados
        """),
        _words(
            "sucio|ruidoso|apretado|oscuro|descuidado|caluroso|incómodo|feo|chico|frío|"
            "desordenado|deprimente"
        ),
        _words("=un desastre|=de terror|horrible|=sin ventilación|cochino"),
        _words("local sucio|mucha bulla|ruidoso|local feo|apretado|local descuidado"),
    ),
    ("ambience", "neutral"): _Cell(
        _lines("""
            {np} {cop} {adj}
            {np}, {adj}
            local sencillo
            un local de barrio
            nada especial el lugar
            mesas normales
            el local es pequeño pero cumple
            decoración básica
            el típico local de {kind}
            ni lindo ni feo
            el local es lo de menos
            {np} {cop} ni {a:bonito} ni {a:feo}
            un ambiente como cualquier otro
            local sin lujos
            ambiente casual
            el lugar es lo de siempre
            el local no tiene nada de especial
            tienen unas cuantas mesas afuera
            ambiente de {kind} de toda la vida
            el local está como siempre
            decoración simple, sin pretensiones
            mesas sencillas
            es un local de paso
            {np} {cop} {a:estándar}
            ni muy grande ni muy chico el local
            el ambiente está bien, sin más
        """),
        _words("sencillo|normal|simple|básico|estándar|regular|común"),
        _words("=sin lujos|=de barrio|=promedio|=ni fu ni fa|=del montón"),
        _words("local sencillo|local normal|ambiente normal|local de barrio"),
    ),
    ("wait", "positive"): _Cell(
        _lines("""
            {np} {cop} {adj}
            {dish} {v:salió/salieron} al toque
            la comida llegó volando
            el pedido llegó en {min} minutos
            no esperamos nada
            en {min} minutos ya estábamos comiendo
            los platos salieron rapidísimo
            D|el delivery llegó antes de lo que decía la app
            cero demora
            S|nos sentaron al toque
            rapidísimo todo
            súper rápidos para ser {weekday}
            S|ni bien pedimos ya estaba en la mesa
            en un dos por tres teníamos todo
            no hubo que esperar
            todo salió a tiempo
            D|puntualísimos con el delivery
            {np}, {adj}
            {np} no {cop} {a:largo} para nada
            nada de demora
            atendieron rápido a pesar de estar lleno
            {dish} {mov} {a:rapidito}
            S|no tuvimos que hacer cola
            la cocina es una máquina, todo sale rápido
            el pedido llegó a la hora exacta
            en menos de {min} minutos teníamos la comida
            la cuenta llegó al toque también
            {np} {cop} de {min} minutos nomás
        """),
        _words("corto|breve|mínimo"),
        _words("cortísimo|=nada|=cero|=de minutos|=un suspiro"),
        _words("rápido|al toque|rapidito|sin demora|rapidísimo|volando"),
    ),
    ("wait", "negative"): _Cell(
        _lines("""
            {np} {cop} {adj}
            esperamos más de una hora
            {min} minutos para {dish}
            la demora fue terrible
            D|el delivery llegó tardísimo
            S|una eternidad para que traigan la cuenta
            esperamos muchísimo
            tardísimo todo
            con hambre y esperando
            se demoran un montón
            la comida salió a cuentagotas
            tuve que reclamar para que saliera el pedido
            el pedido llegó una hora tarde
            demasiada espera
            más de {min} minutos esperando
            la espera no tiene justificación
            {adj} {np}
            {np}, {adj}
            nos tuvieron esperando una eternidad
            {dish} {v:demoró/demoraron} {min} minutos
            D|la app decía 30 minutos y llegó en {min}
            S|nos sentaron después de media hora de cola
            la demora de siempre
            S|salió primero un plato y el otro media hora después
            la cocina lentísima
            qué {qadj} {np}
            el pedido nunca llegaba
            el tiempo de espera, un abuso
        """),
        _words("largo|lento|excesivo|interminable|eterno|insoportable"),
        _words("larguísimo|=una eternidad|=de terror|=un abuso|=para el olvido"),
        _words("lento|demoran mucho|mucha demora|se demoran|lentísimo|demoraron una vida"),
    ),
    ("wait", "neutral"): _Cell(
        _lines("""
            {np} {cop} {adj}
            esperamos unos {min} minutos
            demoró lo normal
            espera razonable para un {weekday}
            tiempo de espera promedio
            hay que esperar un poco en hora punta
            la comida salió a su tiempo
            D|llegó en lo que dijo la app
            {dish} {v:demoró/demoraron} unos {min} minutos
            la espera, lo usual
            ni rápido ni lento
            el pedido tardó lo que tenía que tardar
            {min} minutos de espera, normal para la hora
            a esa hora siempre hay que esperar
            {np}, {adj}
            hubo algo de cola pero avanzó
            D|el delivery llegó en el tiempo estimado
            esperamos lo normal
            tiempos normales de cocina
            la espera fue la de siempre
            no fue rápido, pero tampoco lento
            S|nos sentaron después de unos minutos
            el tiempo de espera es el esperado
            S|tuvimos que esperar mesa un ratito
            la comida se toma su tiempo
            {np} {cop} {a:normal} para un {weekday}
        """),
        _words("normal|aceptable|regular|moderado"),
        _words("=lo normal|=promedio|=la de siempre|=lo esperado|=lo usual"),
        _words("demora normal|espera normal|ni rápido ni lento|tiempo normal"),
    ),
}

# --- English ------------------------------------------------------------------------------

_EN_SUBJECTS: dict[str, tuple[_NP, ...]] = {
    "food": _nps("the food:m|everything:m|the dishes:mp|the flavors:mp"),
    "service": _nps("the service:m|our waiter:m|our waitress:f|the staff:mp|the host:m"),
    "price": _nps("the prices:mp|the bill:m|the menu:m"),
    "ambience": _nps("the place:m|the atmosphere:m|the decor:m|the terrace:m|the vibe:m"),
    "wait": _nps("the wait:m|the waiting time:m"),
}

_EN: dict[tuple[str, str], _Cell] = {
    ("food", "positive"): _Cell(
        _lines("""
            {np} {cop} {adj}
            {adj} {np}
            the {dish_bare} {cop} {adj}
            best {dish_bare} I've had in Lima
            the {dish_bare} alone {v:is/are} worth the trip
            you can taste how fresh everything is
            flavors were on point
            generous portions, we left stuffed
            authentic Peruvian flavors
            I'd come back just for the {dish_bare}
            every dish was a hit
            the {dish_bare} {v:was/were} cooked to perfection
            no complaints about the food
            seriously good {dish_bare}
        """),
        _words("delicious|amazing|tasty|fresh|excellent|outstanding|flavorful|mouthwatering"),
        _words("superb|fantastic|incredible|perfect|=spot on|=to die for"),
        _words("delicious|amazing food|so tasty|yummy|great food"),
    ),
    ("food", "negative"): _Cell(
        _lines("""
            {np} {cop} {adj}
            the {dish_bare} {cop} {adj}
            the {dish_bare} {v:was/were} not good at all
            the {dish_bare} tasted like leftovers
            portions were tiny
            the food came out cold
            way too salty
            I wouldn't order the {dish_bare} again
            ingredients didn't taste fresh
            disappointing food
            everything was swimming in oil
            the {dish_bare} {v:was/were} a letdown
            found a hair in my plate
        """),
        _words("bland|salty|dry|greasy|overcooked|tasteless|soggy|mediocre"),
        _words("awful|disappointing|inedible|terrible"),
        _words("bland|bad food|tasteless|awful"),
    ),
    ("food", "neutral"): _Cell(
        _lines("""
            {np} {cop} {adj}
            the {dish_bare} {v:was/were} fine, nothing special
            decent food
            the food was ok
            standard {dish_bare}
            nothing memorable about the food
            we had the {dish_bare}
            the {dish_bare} {v:was/were} what you'd expect
            food was neither good nor bad
            typical {kind} food
            it's edible
            the {dish_bare} {cop} {adj}
        """),
        _words("okay|fine|average|decent|standard|acceptable"),
        _words("so-so|unremarkable|=nothing special"),
        _words("ok food|average|food was fine"),
    ),
    ("service", "positive"): _Cell(
        _lines("""
            {np} {cop} {adj}
            {adj} {np}
            S|our waiter recommended the {dish_bare} and nailed it
            they made us feel at home
            super attentive staff
            service with a smile
            friendly and helpful staff
            great service from start to finish
            S|they explained every dish
            no complaints about the service
            the waitress was lovely
            excellent service
        """),
        _words("friendly|attentive|kind|welcoming|helpful|professional|warm"),
        _words("lovely|amazing|excellent|=top notch"),
        _words("great service|friendly staff|lovely staff"),
    ),
    ("service", "negative"): _Cell(
        _lines("""
            {np} {cop} {adj}
            S|we had to wave for the waiter several times
            they forgot the {dish_bare}
            they got our order wrong
            S|nobody came to our table
            S|the waiter was on his phone
            rude staff
            terrible service
            the staff seemed annoyed
            no one apologized for the mistake
            S|they rushed us out
            service was a mess
        """),
        _words("rude|inattentive|unfriendly|careless|disorganized|dismissive"),
        _words("terrible|awful|=a disaster"),
        _words("bad service|rude staff|terrible service"),
    ),
    ("service", "neutral"): _Cell(
        _lines("""
            {np} {cop} {adj}
            service was fine
            standard service
            S|the waiter did his job
            nothing special about the service
            service was neither good nor bad
            they took our order and that was it
            service was ok
            typical service
            polite but distant service
        """),
        _words("okay|fine|standard|adequate|average|polite"),
        _words("=nothing special|=so-so"),
        _words("service ok|normal service"),
    ),
    ("price", "positive"): _Cell(
        _lines("""
            {np} {cop} {adj}
            great value for money
            worth every sol
            cheap for the area
            the {dish_bare} at {price} {v:is/are} a steal
            we ate well for {soles} soles
            prices are fair
            very affordable
            you get a lot for what you pay
            the bill was pleasantly low
            budget friendly
            good prices
        """),
        _words("cheap|affordable|reasonable|fair"),
        _words("=a steal|=budget-friendly|=great value"),
        _words("cheap|good value|affordable"),
    ),
    ("price", "negative"): _Cell(
        _lines("""
            {np} {cop} {adj}
            overpriced for what it is
            the {dish_bare} at {price}? a rip-off
            not worth the money
            they charged us extra
            we paid {soles} soles and it wasn't worth it
            tourist prices
            way too expensive
            prices went up again
            the bill was a shock
            service charge added without asking
            poor value for money
        """),
        _words("expensive|overpriced|steep|pricey"),
        _words("outrageous|=a rip-off"),
        _words("pricey|overpriced|expensive"),
    ),
    ("price", "neutral"): _Cell(
        _lines("""
            prices are average
            {np} {cop} {adj}
            normal prices for the area
            not cheap, not expensive
            the {dish_bare} {v:is/are} {price}
            we paid about {soles} soles
            prices as expected
            standard prices
            you pay for what you get
            about what you'd expect to pay
        """),
        _words("average|moderate|standard|normal"),
        _words("=as expected|=about average"),
        _words("average prices|normal prices"),
    ),
    ("ambience", "positive"): _Cell(
        _lines("""
            {np} {cop} {adj}
            lovely atmosphere
            great vibe
            perfect for a date
            nice music and you can still talk
            spotless bathrooms
            beautiful decor
            family friendly place
            great view from the terrace
            cozy little place
            very clean
            relaxed atmosphere
        """),
        _words("cozy|charming|clean|lovely|beautiful|relaxed|pleasant|spacious|welcoming"),
        _words("gorgeous|stunning|=super cute"),
        _words("nice place|cozy|lovely place"),
    ),
    ("ambience", "negative"): _Cell(
        _lines("""
            {np} {cop} {adj}
            too loud to talk
            music was way too loud
            dirty bathrooms
            tables crammed together
            it smelled of fried oil
            flies everywhere
            it was boiling hot inside
            uncomfortable chairs
            the place is falling apart
            TV blasting the football match
            sticky tables
        """),
        _words("noisy|dirty|cramped|dark|stuffy|uncomfortable|shabby|loud"),
        _words("run-down|filthy|=a mess"),
        _words("noisy|dirty place|cramped"),
    ),
    ("ambience", "neutral"): _Cell(
        _lines("""
            {np} {cop} {adj}
            simple place
            no-frills place
            basic decor
            typical neighborhood {kind}
            nothing special about the place
            the place is small but fine
            casual atmosphere
            plain but ok
            standard setting
        """),
        _words("simple|basic|plain|casual|ordinary|unpretentious"),
        _words("=nothing fancy|=so-so"),
        _words("simple place|basic place"),
    ),
    ("wait", "positive"): _Cell(
        _lines("""
            {np} {cop} {adj}
            food came out super fast
            we got our food in {min} minutes
            no wait at all
            D|delivery arrived earlier than expected
            S|seated right away
            everything came out quickly
            the {dish_bare} arrived in no time
            barely had to wait
            super quick even though it was packed
            D|on time delivery
        """),
        _words("short|minimal|brief"),
        _words("=barely noticeable|=nothing"),
        _words("fast|quick|super fast"),
    ),
    ("wait", "negative"): _Cell(
        _lines("""
            we waited over an hour
            {min} minutes for the {dish_bare}
            {np} {cop} {adj}
            D|delivery arrived super late
            took forever
            S|we waited ages for the bill
            our order took forever to arrive
            S|dishes came out one by one, half an hour apart
            painfully slow kitchen
            D|the app said 30 minutes and it took {min}
            S|we waited {min} minutes for a table
        """),
        _words("long|endless|ridiculous|excessive"),
        _words("=way too long|unbearable"),
        _words("slow|so slow|long wait"),
    ),
    ("wait", "neutral"): _Cell(
        _lines("""
            we waited about {min} minutes
            {np} {cop} {adj}
            normal wait for a {weekday}
            expect a short wait at peak hours
            D|delivery arrived within the estimated time
            the food took the usual time
            not fast, not slow
            the wait was what you'd expect
            S|we waited a bit for a table
            standard waiting time
            food came out at a normal pace
        """),
        _words("normal|reasonable|average|expected"),
        _words("=about average|=as expected"),
        _words("normal wait|average wait"),
    ),
}

_INTENSIFIERS: dict[tuple[str, str], tuple[str, ...]] = {
    ("es", "positive"): _words("muy |súper |bien |recontra |realmente |bastante "),
    ("es", "negative"): _words("muy |demasiado |bien |súper |recontra |un poco |algo |bastante "),
    ("es", "neutral"): _words("bastante |más bien "),
    ("en", "positive"): _words("really |super |so |incredibly |very |absolutely "),
    ("en", "negative"): _words("really |super |so |very |incredibly |way too "),
    ("en", "neutral"): _words("pretty |quite "),
}

_OPENERS_ES = {
    "any": _lines("""
        Fuimos un {weekday} al {meal}.
        Primera vez que vengo.
        Siempre vengo a este local.
        Me lo recomendó un amigo.
        Vine por las reseñas.
        Ya es mi segunda vez acá.
        Somos clientes de años.
        Pasé por casualidad.
        Vine por trabajo.
        Un {weekday} cualquiera.
    """),
    "solo": _lines("""
        Fui solo.
        Vine sola a {meal_verb}.
        Almuerzo rápido entre reuniones.
    """),
    "couple": _lines("""
        Fuimos con mi pareja.
        Vine con un amigo.
        Salida con mi enamorada.
        Fui con mi esposo.
    """),
    "group": _lines("""
        Fuimos en familia.
        Fuimos {people} personas.
        Salida familiar del {weekday}.
        Llevé a mis papás.
        Reunión con toda la familia.
    """),
    "delivery": _lines("""
        Pedí delivery.
        Pedimos por delivery un {weekday}.
        Pedido por app.
        Pedí para la casa.
    """),
    "takeaway": _lines("""
        Pedí para llevar.
        Compré para llevar a la oficina.
        Recogí el pedido en el local.
    """),
}

_OPENERS_EN = {
    "any": _lines("""
        We came on a {weekday}.
        First time here.
        Came here on a friend's recommendation.
        Visiting Lima for a week.
        Stopped by for {meal}.
    """),
    "solo": _lines("Came alone for a quick bite."),
    "couple": _lines("Came with my partner.\nDinner for two."),
    "group": _lines("We were a group of {people}.\nFamily outing."),
    "delivery": _lines("Ordered delivery to our hotel.\nOrdered through an app."),
    "takeaway": _lines("Got it to go."),
}

_OCCASIONS_ES = {
    "madre": "Fuimos por el Día de la Madre.",
    "padre": "Fuimos por el Día del Padre.",
    "patrias": "Celebramos Fiestas Patrias.",
    "semana_santa": "Fuimos en Semana Santa.",
    "navidad": "Salida por las fiestas de fin de año.",
    "ceviche": "Fuimos por el Día del Ceviche.",
    "pollo": "Fuimos por el Día del Pollo a la Brasa.",
}

_CLOSINGS: dict[tuple[str, str], tuple[str, ...]] = {
    ("es", "positive"): _lines("""
        Volveremos.
        Súper recomendado.
        Recomendadísimo.
        Regreso pronto.
        100% recomendado.
        Vale la pena.
        Lo recomiendo.
        Ya quiero volver.
        Para volver sí o sí.
        Un clásico.
        Seguro regreso.
        Gracias!
    """),
    ("es", "negative"): _lines("""
        No vuelvo más.
        Nunca más.
        No lo recomiendo.
        Qué decepción.
        Una pena.
        Ojalá mejoren.
        No regreso.
        Mejoren por favor.
        Tanta fama para esto.
    """),
    ("es", "neutral"): _lines("""
        Quizás vuelva.
        Puede mejorar.
        Está bien para salir del paso.
        Sin más.
        Ahí vamos.
        Veremos la próxima.
        Normal nomás.
    """),
    ("en", "positive"): _lines("Will be back!\nHighly recommend.\nA must in Lima.\nLoved it."),
    ("en", "negative"): _lines("Won't be back.\nAvoid.\nNot recommended.\nWhat a shame."),
    ("en", "neutral"): _lines("Might come back.\nIt's ok.\nCould be better."),
}

_GENERIC: dict[tuple[str, str], tuple[str, ...]] = {
    ("es", "positive"): _lines("""
        Todo bien 👍
        Excelente!
        Recomendado
        Muy bueno todo
        Todo perfecto
        Nada que reclamar
        Volveré
        Buenazo todo
        Todo chévere
        De lujo
        10/10
        Me encantó
        Todo de la pm
    """),
    ("es", "negative"): _lines("""
        Malo
        Horrible experiencia
        Nunca más
        No lo recomiendo
        Pésimo todo
        Qué decepción
        Todo mal
        Mala experiencia
        Qué roche
    """),
    ("es", "neutral"): _lines("""
        Normal
        Ok
        Regular
        Meh
        Pasable
        Ni fu ni fa
        Está bien
        Sin comentarios
    """),
    ("en", "positive"): _lines("All good!\nGreat place\nLoved it\nPerfect"),
    ("en", "negative"): _lines("Terrible\nNever again\nBad experience\nAvoid"),
    ("en", "neutral"): _lines("Ok\nAverage\nMeh\nIt's fine"),
}

_EMOJIS = {
    "positive": _words("😋|😍|👌|👍|🔥|🙌|💯|❤️|🤤|⭐⭐⭐⭐⭐"),
    "negative": _words("😡|👎|😤|😒|🙄|😞|🤢"),
    "neutral": _words("😐|🤷|🤔|🙂"),
}

_WEEKDAYS = {
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MEALS = {
    "es": {"breakfast": "desayuno", "lunch": "almuerzo", "dinner": "cena"},
    "en": {"breakfast": "breakfast", "lunch": "lunch", "dinner": "dinner"},
}
_MEAL_VERBS = {"breakfast": "desayunar", "lunch": "almorzar", "dinner": "cenar"}
_KINDS = {
    "es": {
        "cevicheria": "cevichería",
        "polleria": "pollería",
        "criollo": "restaurante criollo",
        "chifa": "chifa",
        "sangucheria": "sanguchería",
        "nikkei": "restaurante nikkei",
        "anticucheria": "anticuchería",
        "picanteria": "picantería",
    },
    "en": {
        "cevicheria": "cevichería",
        "polleria": "chicken place",
        "criollo": "Creole",
        "chifa": "chifa",
        "sangucheria": "sandwich shop",
        "nikkei": "Nikkei",
        "anticucheria": "anticucho",
        "picanteria": "picantería",
    },
}
_NUMBERS_ES = ("una", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez")
_MINUTES = {"positive": (5, 15), "negative": (45, 95), "neutral": (20, 35)}
_SAME_JOINS = {
    "es": (", ", " y ", ". ", "; ", ", además ", ". También "),
    "en": (", ", " and ", ". ", "; ", ". Also, "),
}
_CONTRAST_JOINS = {
    "es": (" pero ", ", aunque ", ". Eso sí, ", ", sin embargo ", ". En cambio, "),
    "en": (" but ", ", although ", ". However, ", ". On the other hand, "),
}
_ABBREVIATIONS = (
    (r"\bque\b", "q"),
    (r"\bpor\b", "x"),
    (r"\btambién\b", "tb"),
    (r"\bporque\b", "xq"),
    (r"\bmuy\b", "mui"),
    (r"\bbien\b", "bn"),
)
_ACCENTS = str.maketrans("áéíóúÁÉÍÓÚ", "aeiouAEIOU")
_VOWELS = "aeiouáéíóú"
_SLOT = re.compile(r"\{([a-z_]+)(?::([^}]+))?\}")


def templates_for(lang: str, aspect: str, polarity: str) -> tuple[str, ...]:
    """The clause templates of one (language, aspect, polarity) cell."""
    table = _ES if lang == "es" else _EN
    return table[(aspect, polarity)].templates


def inflect(word: str, gender: str, plural: bool) -> str:
    """Make a Spanish adjective agree in gender and number (``bien servido`` -> ``bien servidas``).

    A leading ``=`` marks an invariable phrase; only the last word of a phrase inflects.
    """
    if word.startswith("="):
        return word[1:]
    head, _, last = word.rpartition(" ")
    if last.endswith("o"):
        last = last[:-1] + ("a" if gender == "f" else "o")
        last += "s" if plural else ""
    elif last.endswith(("or", "ón")):
        if gender == "f":
            last = last.replace("ón", "on") + "a" if last.endswith("ón") else last + "a"
            last += "s" if plural else ""
        elif plural:
            last = last.replace("ón", "on") + "es"
    elif plural:
        last = _pluralize(last)
    return f"{head} {last}" if head else last


def _pluralize(word: str) -> str:
    if word.endswith(("a", "e", "é")):
        return word + "s"
    if word.endswith("z"):
        return word[:-1] + "ces"
    if word.endswith("és"):
        return word[:-2] + "eses"
    if word.endswith(("án", "ún")):
        return word[:-2] + word[-2].translate(_ACCENTS) + "nes"
    return word + "es"


def _article(gender: str, plural: bool) -> str:
    return {("m", False): "el", ("f", False): "la", ("m", True): "los", ("f", True): "las"}[
        (gender, plural)
    ]


def _elongate(word: str, times: int) -> str:
    for index in range(len(word) - 1, -1, -1):
        if word[index] in _VOWELS:
            return word[: index + 1] + word[index] * times + word[index + 1 :]
    return word


class ReviewWriter:
    """Writes review texts for :class:`ReviewRequest`; all randomness comes from ``rng``."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._buffer: list[float] = []

    def write(self, request: ReviewRequest) -> WrittenReview:
        """One review text and whether it names the ordered dish."""
        lang = request.lang
        if not request.mentions:
            text = self._pick(_GENERIC[(lang, request.overall)])
            return WrittenReview(self._roughen(text, request, short=True), mentions_dish=False)
        if len(request.mentions) <= 2 and self._chance(0.14):
            text, named = self._short(request)
            return WrittenReview(self._roughen(text, request, short=True), named)
        parts: list[str] = []
        named = False
        for mention in request.mentions:
            clause, used = self.clause(request, mention)
            parts.append(clause)
            named = named or used
        body = self._join(parts, request)
        opener = self._opener(request) if self._chance(0.45) else ""
        closing = self._pick(_CLOSINGS[(lang, request.overall)]) if self._chance(0.4) else ""
        text = " ".join(p for p in (opener, _capitalize(body) + self._stop(request), closing) if p)
        return WrittenReview(self._roughen(text, request, short=False), named)

    def clause(self, request: ReviewRequest, mention: Mention) -> tuple[str, bool]:
        """One clause for ``mention``; returns the clause and whether it names the dish."""
        cell = (_ES if request.lang == "es" else _EN)[(mention.aspect, mention.polarity)]
        usable = [t for t in cell.templates if self._fits(t, request)]
        if request.dish is not None and mention.aspect == "food" and self._chance(0.55):
            usable = [t for t in usable if "{dish" in t] or usable
        template = self._pick(usable)
        if template[:2] in ("S|", "D|"):
            template = template[2:]
        return self._render(template, request, mention, cell)

    # --- rendering -----------------------------------------------------------------------

    def _fits(self, template: str, request: ReviewRequest) -> bool:
        if template.startswith("S|") and request.channel == "delivery":
            return False
        if template.startswith("D|") and request.channel != "delivery":
            return False
        return request.dish is not None or "{dish" not in template

    def _render(
        self, template: str, request: ReviewRequest, mention: Mention, cell: _Cell
    ) -> tuple[str, bool]:
        lang = request.lang
        named = "{dish" in template
        if "{np}" in template:
            target, subject_is_dish = self._subject(request, mention)
            named = named or subject_is_dish
        else:
            target = self._dish_np(request)
        text, gender, plural = target
        values: dict[str, Callable[[], str]] = {
            "np": lambda: text,
            "dish": lambda: self._dish_np(request)[0],
            "dish_bare": lambda: request.dish.short if request.dish else "",
            "cop": lambda: self._copula(lang, mention.aspect, plural),
            "mov": lambda: ("vinieron" if plural else "vino") if lang == "es" else "came",
            "adj": lambda: self._adjective(cell, request, mention.polarity, gender, plural),
            "qadj": lambda: self._plain(cell, request, gender, plural),
            "pos": lambda: self._opposite(request, mention.aspect, "positive", gender, plural),
            "neg": lambda: self._opposite(request, mention.aspect, "negative", gender, plural),
            "best": lambda: self._best(request),
            "price": lambda: self._price(request),
            "soles": lambda: str(round(request.ticket_pen)),
            "min": lambda: str(self._minutes(mention.polarity)),
            "people": lambda: self._people(request),
            "kind": lambda: _KINDS[lang].get(request.kind, request.kind),
            "weekday": lambda: _WEEKDAYS[lang][request.weekday],
        }

        def fill(match: re.Match[str]) -> str:
            name, word = match.group(1), match.group(2)
            if name == "a" and word is not None:
                return inflect(word, gender, plural) if lang == "es" else word
            if name == "v" and word is not None:
                singular, many = word.split("/")
                return many if plural else singular
            return values[name]()

        return _SLOT.sub(fill, template), named

    def _subject(self, request: ReviewRequest, mention: Mention) -> tuple[_NP, bool]:
        if mention.aspect == "food" and request.dish is not None and self._chance(0.45):
            return self._dish_np(request), True
        subjects = (_ES_SUBJECTS if request.lang == "es" else _EN_SUBJECTS)[mention.aspect]
        return self._pick(subjects), False

    def _dish_np(self, request: ReviewRequest) -> _NP:
        dish = request.dish
        if dish is None:
            return ("la comida", "f", False) if request.lang == "es" else ("the food", "m", False)
        if request.lang == "en":
            return (f"the {dish.short}", "m", dish.plural)
        return (f"{_article(dish.gender, dish.plural)} {dish.short}", dish.gender, dish.plural)

    def _copula(self, lang: str, aspect: str, plural: bool) -> str:
        if lang == "en":
            return self._pick(("were", "are") if plural else ("was", "is"))
        singular, many = self._pick(_ES_COPULAS[aspect])
        return many if plural else singular

    def _adjective(
        self, cell: _Cell, request: ReviewRequest, polarity: str, gender: str, plural: bool
    ) -> str:
        lang = request.lang
        if cell.gradable and (not cell.fixed or self._chance(0.6)):
            word = self._pick(cell.gradable)
            if self._chance(0.5):
                word = self._pick(_INTENSIFIERS[(lang, polarity)]) + " " + word
        else:
            word = self._pick(cell.fixed)
        word = inflect(word, gender, plural) if lang == "es" else word.lstrip("=")
        if polarity != "neutral" and lang == "es" and self._chance(0.07):
            word = _elongate(word, 2 + int(self._u() * 4))
        return word

    def _plain(self, cell: _Cell, request: ReviewRequest, gender: str, plural: bool) -> str:
        word = self._pick(cell.gradable)
        return inflect(word, gender, plural) if request.lang == "es" else word

    def _opposite(
        self, request: ReviewRequest, aspect: str, polarity: str, gender: str, plural: bool
    ) -> str:
        table = _ES if request.lang == "es" else _EN
        word = self._pick(table[(aspect, polarity)].gradable)
        return inflect(word, gender, plural) if request.lang == "es" else word

    def _best(self, request: ReviewRequest) -> str:
        if request.dish is None or request.lang == "en":
            return "the best"
        article = _article(request.dish.gender, request.dish.plural)
        return f"{article} {'mejores' if request.dish.plural else 'mejor'}"

    def _price(self, request: ReviewRequest) -> str:
        value = request.dish.price_pen if request.dish else 30.0
        amount = f"{value:.0f}" if value == int(value) else f"{value:.2f}"
        if request.lang == "en":
            return f"S/ {amount}"
        return self._pick((f"S/ {amount}", f"S/.{amount}", f"{amount} soles", f"{amount} lucas"))

    def _minutes(self, polarity: str) -> int:
        low, high = _MINUTES[polarity]
        return 5 * round((low + self._u() * (high - low)) / 5)

    def _people(self, request: ReviewRequest) -> str:
        size = max(1, min(request.party_size, 10))
        if request.lang == "en":
            return str(size)
        return _NUMBERS_ES[size - 1] if size > 1 else "uno"

    # --- assembly ------------------------------------------------------------------------

    def _join(self, parts: list[str], request: ReviewRequest) -> str:
        lang = request.lang
        body = parts[0]
        previous = ""
        for index in range(1, len(parts)):
            before = request.mentions[index - 1].polarity
            after = request.mentions[index].polarity
            joins = _SAME_JOINS[lang] if before == after else _CONTRAST_JOINS[lang]
            if before != after and lang == "es" and after != "neutral" and self._chance(0.25):
                join = ". Lo malo: " if after == "negative" else ". Lo bueno: "
            else:
                join = self._pick([j for j in joins if j != previous])
            previous = join
            clause = parts[index]
            if join == " y " and re.match(r"h?i(?!e)", clause):
                join = " e "
            body += join + (_capitalize(clause) if join.endswith(". ") else clause)
        return body

    def _opener(self, request: ReviewRequest) -> str:
        table = _OPENERS_ES if request.lang == "es" else _OPENERS_EN
        if request.occasion and request.lang == "es" and request.occasion in _OCCASIONS_ES:
            return _OCCASIONS_ES[request.occasion]
        if request.channel == "delivery":
            group = "delivery"
        elif request.channel == "para llevar":
            group = "takeaway"
        else:
            size = request.party_size
            group = "solo" if size == 1 else "couple" if size == 2 else "group"
        options = table[group] + table["any"] if self._chance(0.5) else table[group]
        text = self._pick(options)
        meal = _MEALS[request.lang].get(request.meal, "almuerzo")
        return (
            text.replace("{weekday}", _WEEKDAYS[request.lang][request.weekday])
            .replace("{meal_verb}", _MEAL_VERBS.get(request.meal, "almorzar"))
            .replace("{meal}", meal)
            .replace("{people}", self._people(request))
        )

    def _stop(self, request: ReviewRequest) -> str:
        if request.overall == "neutral":
            return self._pick((".", ".", "...", ""))
        return self._pick((".", ".", "!", "!!", "!!!", ""))

    def _short(self, request: ReviewRequest) -> tuple[str, bool]:
        table = _ES if request.lang == "es" else _EN
        forms = [self._pick(table[(m.aspect, m.polarity)].shorts) for m in request.mentions]
        named = False
        first = request.mentions[0]
        if (
            request.lang == "es"
            and request.dish is not None
            and first.aspect == "food"
            and " " not in forms[0]
            and self._chance(0.5)
        ):
            dish = request.dish
            adjective = inflect(forms[0], dish.gender, dish.plural)
            forms[0] = f"{adjective} {_article(dish.gender, dish.plural)} {dish.short}"
            named = True
        if len(forms) == 1:
            text = forms[0]
        else:
            same = request.mentions[0].polarity == request.mentions[1].polarity
            join = (
                (" y " if request.lang == "es" else " and ")
                if same
                else (" pero " if request.lang == "es" else " but ")
            )
            text = forms[0] + join + forms[1]
        return _capitalize(text) + self._pick(("", "", "!", ".", "!!")), named

    def _roughen(self, text: str, request: ReviewRequest, *, short: bool) -> str:
        text = re.sub(r"\bde el\b", "del", text)
        text = re.sub(r"\ba el\b", "al", text)
        polarity = request.overall
        if self._chance({"positive": 0.28, "negative": 0.2, "neutral": 0.1}[polarity]):
            text += " " + self._pick(_EMOJIS[polarity])
        if request.lang == "es" and self._chance(0.12):
            text = text.translate(_ACCENTS)
        if request.lang == "es" and self._chance(0.07):
            for pattern, short_form in _ABBREVIATIONS:
                if self._chance(0.6):
                    text = re.sub(pattern, short_form, text)
        if self._chance(0.05):
            text = self._typo(text)
        if self._chance(0.16):
            text = text.lower()
        elif short and polarity == "negative" and self._chance(0.1):
            text = text.upper()
        return re.sub(r"\s+", " ", text).replace(" ,", ",").strip()

    def _typo(self, text: str) -> str:
        words = text.split(" ")
        candidates = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
        if not candidates:
            return text
        index = self._pick(candidates)
        word = words[index]
        position = 1 + int(self._u() * (len(word) - 2))
        kind = int(self._u() * 3)
        if kind == 0:
            word = word[:position] + word[position + 1] + word[position] + word[position + 2 :]
        elif kind == 1:
            word = word[:position] + word[position + 1 :]
        else:
            word = word[:position] + word[position] + word[position:]
        words[index] = word
        return " ".join(words)

    # --- randomness ----------------------------------------------------------------------

    def _u(self) -> float:
        if not self._buffer:
            self._buffer = self._rng.random(4096).tolist()
        return self._buffer.pop()

    def _chance(self, probability: float) -> bool:
        return self._u() < probability

    def _pick(self, options: Sequence[_T]) -> _T:
        return options[int(self._u() * len(options))]


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text
