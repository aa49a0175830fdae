"""Menus of the demo restaurants: real Peruvian dishes with prices and costs in soles.

Each dish carries its planted menu-engineering class (``star``, ``plowhorse``, ``puzzle``,
``dog``). The class is a design target: stars and plowhorses get a high base choice weight,
puzzles and dogs a low one, and prices and costs put stars and puzzles well above the
restaurant's unit-weighted mean contribution margin (price - cost) and plowhorses and dogs well
below it. The classic Kasavana-Smith analysis over a restaurant's whole menu (popular when a
dish sells at least 70% of 1/N of the units, profitable when its margin is at least the
unit-weighted mean) recovers these classes from the generated orders.

Menus are written as tables, one dish per line::

    name | category | price | cost | class | tags | ingredients | description | short | flags

``short`` is how diners name the dish in reviews; ``flags`` hold its grammatical gender and
number (``f``, ``pl``) for the review writer, how many people one unit serves
(``serves=4``), a popularity multiplier (``w=3``) and ``lunch`` for the weekday lunch menú.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DIET_TAGS",
    "MENUS",
    "SLOT_CATEGORIES",
    "Dish",
]


@dataclass(frozen=True, slots=True)
class Dish:
    """One menu item and the facts the generators need about it."""

    name: str
    category: str
    price_pen: float
    cost_pen: float
    menu_class: str
    tags: tuple[str, ...]
    ingredients: tuple[str, ...]
    description: str
    short: str
    gender: str = "m"
    plural: bool = False
    serves: int = 1
    weight: float = 1.0
    weekday_lunch_only: bool = False

    @property
    def margin_pen(self) -> float:
        """Contribution margin of one unit, in soles."""
        return self.price_pen - self.cost_pen


# Which categories fill which part of an order: every person picks a main, a party may share
# starters, most people add a drink and a few a dessert.
SLOT_CATEGORIES: dict[str, tuple[str, ...]] = {
    "main": ("ceviches", "fondos", "sopas", "brasas", "chaufas", "tallarines", "sánguches",
             "makis", "menú", "parrilla"),
    "starter": ("entradas", "guarniciones"),
    "drink": ("bebidas",),
    "dessert": ("postres",),
}  # fmt: skip

# Diet restriction -> the rule a dish must meet: ("require", tag) or ("exclude", tag).
DIET_TAGS: dict[str, tuple[str, str]] = {
    "vegetariano": ("require", "vegetariano"),
    "sin gluten": ("require", "sin gluten"),
    "sin mariscos": ("exclude", "mariscos"),
}
_CLASSES = ("star", "plowhorse", "puzzle", "dog")


def _menu(table: str) -> tuple[Dish, ...]:
    """Parse a menu table (see the module docstring)."""
    dishes = []
    for line in table.strip().splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        name, category, price, cost, menu_class, tags, ingredients, description, short = cells[:9]
        flags = cells[9].split() if len(cells) > 9 else []
        options = dict(flag.split("=") for flag in flags if "=" in flag)
        if menu_class not in _CLASSES:
            raise ValueError(f"unknown menu class {menu_class!r} for {name!r}")
        dishes.append(
            Dish(
                name=name,
                category=category,
                price_pen=float(price),
                cost_pen=float(cost),
                menu_class=menu_class,
                tags=tuple(tags.split(";")),
                ingredients=tuple(ingredients.split(";")),
                description=description,
                short=short,
                gender="f" if "f" in flags else "m",
                plural="pl" in flags,
                serves=int(options.get("serves", "1")),
                weight=float(options.get("w", "1")),
                weekday_lunch_only="lunch" in flags,
            )
        )
    return tuple(dishes)


_CEVICHERIA = _menu("""
Ceviche clásico | ceviches | 38.00 | 12.00 | star | marino;picante;sin gluten;frío | pescado;limón;ají limo;cebolla roja;camote;choclo | Pesca del día en leche de tigre con ají limo, camote glaseado y choclo. | ceviche |
Ceviche mixto | ceviches | 45.00 | 16.00 | star | marino;mariscos;picante;sin gluten;frío | pescado;pulpo;calamar;langostinos;limón;ají limo;cebolla roja | Pescado, pulpo, calamar y langostinos en leche de tigre. | ceviche mixto |
Tiradito al ají amarillo | ceviches | 36.00 | 11.00 | puzzle | marino;sin gluten;frío | pescado;limón;ají amarillo;choclo | Láminas de pescado en crema de ají amarillo. | tiradito |
Ceviche de conchas negras | ceviches | 58.00 | 24.00 | puzzle | marino;mariscos;picante;sin gluten;frío | conchas negras;limón;ají limo;cebolla roja | Conchas negras de Tumbes con cancha y choclo. | ceviche de conchas negras |
Ceviche de champiñones | ceviches | 30.00 | 8.00 | puzzle | vegetariano;picante;sin gluten;frío | champiñones;limón;ají limo;cebolla roja;camote | Champiñones marinados al limón con ají limo. | ceviche de champiñones |
Leche de tigre | entradas | 18.00 | 7.50 | plowhorse | marino;picante;sin gluten;frío | pescado;limón;ají limo;apio;cancha | Vaso de leche de tigre con trocitos de pescado. | leche de tigre | f w=2.5
Causa limeña | entradas | 28.00 | 7.00 | star | marino;criollo;sin gluten;frío | papa amarilla;ají amarillo;atún;palta;mayonesa;limón | Papa amarilla prensada con ají, rellena de atún y palta. | causa | f w=2.5
Papa a la huancaína | entradas | 16.00 | 5.00 | dog | vegetariano;criollo;frío | papa;queso fresco;ají amarillo;leche;galleta de soda | Papa sancochada en salsa de queso y ají amarillo. | huancaína | f
Choritos a la chalaca | entradas | 22.00 | 12.00 | dog | marino;mariscos;picante;sin gluten;frío | choros;cebolla;tomate;rocoto;limón;choclo | Choros con salsa chalaca de cebolla, tomate y rocoto. | choritos | pl
Jalea mixta | fondos | 54.00 | 21.00 | star | marino;mariscos;frito | pescado;calamar;langostinos;yuca;harina;salsa criolla | Fritura de pescado y mariscos con yuca y salsa criolla, para dos. | jalea | f serves=2
Arroz con mariscos | fondos | 36.00 | 25.00 | plowhorse | marino;mariscos | arroz;mariscos;ají panca;ají amarillo;culantro | Arroz norteño con mariscos y salsa criolla. | arroz con mariscos |
Chicharrón de pescado | fondos | 34.00 | 12.00 | puzzle | marino;frito | pescado;harina;yuca;salsa tártara | Trozos de pescado fritos con yuca y tártara. | chicharrón de pescado |
Parihuela | sopas | 48.00 | 22.00 | puzzle | marino;mariscos;picante;sin gluten | pescado;mariscos;ají panca;chicha de jora | Sopa concentrada de pescado y mariscos al estilo chalaco. | parihuela | f
Chilcano de pescado | sopas | 14.00 | 6.00 | dog | marino;sin gluten | cabeza de pescado;limón;culantro;cebolla china | Caldo levantamuertos de pescado con limón. | chilcano |
Chicha morada (vaso) | bebidas | 7.00 | 1.40 | plowhorse | vegetariano;sin gluten;criollo;dulce | maíz morado;piña;canela;clavo;limón | Chicha de maíz morado hecha en casa. | chicha morada | f
Chicha morada (jarra 1 L) | bebidas | 24.00 | 4.00 | puzzle | vegetariano;sin gluten;criollo;dulce | maíz morado;piña;canela;clavo;limón | Jarra de chicha morada de la casa para la mesa. | chicha | f serves=4
Inca Kola 500 ml | bebidas | 6.00 | 2.40 | plowhorse | vegetariano;sin gluten;dulce | gaseosa | Gaseosa personal helada. | inca kola | f
Cerveza Cusqueña 620 ml | bebidas | 14.00 | 5.80 | plowhorse | vegetariano | cerveza | Cerveza nacional bien helada. | chela | f
Limonada frozen | bebidas | 12.00 | 3.50 | dog | vegetariano;sin gluten;frío | limón;hielo;azúcar | Limonada frozen de limón sutil. | limonada | f
Suspiro a la limeña | postres | 14.00 | 4.00 | dog | vegetariano;sin gluten;criollo;dulce | manjar blanco;merengue;oporto;canela | Manjar blanco con merengue al oporto. | suspiro |
Mazamorra morada | postres | 10.00 | 2.50 | dog | vegetariano;sin gluten;criollo;dulce | maíz morado;frutas secas;chuño;canela | Mazamorra de maíz morado con frutas. | mazamorra | f
""")

_POLLERIA = _menu("""
1/4 de pollo a la brasa | brasas | 21.90 | 10.50 | plowhorse | pollo;a la brasa | pollo;papas fritas;ensalada;cremas | Cuarto de pollo a la brasa con papas fritas, ensalada y cremas. | pollo a la brasa |
1/2 pollo a la brasa | brasas | 39.90 | 16.00 | star | pollo;a la brasa | pollo;papas fritas;ensalada;cremas | Medio pollo a la brasa con papas y ensalada. | pollito | serves=2
Pollo a la brasa entero | brasas | 72.90 | 28.00 | star | pollo;a la brasa | pollo;papas fritas familiares;ensalada;cremas | Pollo entero a la brasa con papas familiares, ensalada y cremas. | pollo a la brasa | serves=4
Mostrito | brasas | 24.90 | 13.00 | plowhorse | pollo;a la brasa;chifa | pollo;arroz chaufa;papas fritas | Cuarto de pollo con chaufa y papas. | mostrito |
Chicharrón de pollo | fondos | 24.90 | 13.50 | dog | pollo;frito | pollo;harina;papas fritas;salsa criolla | Trozos de pollo crocantes con papas. | chicharrón de pollo
Lomo saltado | fondos | 36.90 | 14.00 | puzzle | carne;criollo | lomo fino;cebolla;tomate;sillao;papas fritas;arroz | Lomo salteado al wok con papas fritas y arroz. | lomo saltado |
Parrilla familiar | parrilla | 119.00 | 52.00 | puzzle | carne;cerdo;pollo;parrilla | bife;chorizo;pollo;anticucho;papas;ensalada | Parrilla para cuatro: bife, chorizo, pollo y anticucho. | parrilla | f serves=4
Salchipapa | fondos | 15.90 | 8.50 | dog | cerdo;frito | salchicha;papas fritas;cremas | Papas fritas con salchicha y cremas. | salchipapa | f
Papas fritas familiares | guarniciones | 16.90 | 7.00 | plowhorse | vegetariano;sin gluten;frito | papa | Porción familiar de papas fritas. | papas | f pl serves=3 w=2
Ensalada fresca | guarniciones | 12.90 | 5.50 | dog | vegetariano;sin gluten;frío | lechuga;tomate;pepino;palta;limón | Ensalada de lechuga, tomate, pepino y palta. | ensalada | f
Anticuchos de corazón | guarniciones | 27.90 | 8.00 | puzzle | carne;parrilla;picante;criollo;sin gluten | corazón de res;ají panca;comino;papa;choclo | Dos palitos de anticucho con papa dorada y choclo. | anticuchos | pl
Inca Kola 1.5 L | bebidas | 13.90 | 5.60 | plowhorse | vegetariano;sin gluten;dulce | gaseosa | Gaseosa familiar para compartir. | inca kola | f serves=4
Inca Kola 500 ml | bebidas | 6.00 | 2.40 | plowhorse | vegetariano;sin gluten;dulce | gaseosa | Gaseosa personal helada. | inca kola | f
Chicha morada (jarra 1 L) | bebidas | 22.00 | 4.00 | puzzle | vegetariano;sin gluten;criollo;dulce | maíz morado;piña;canela;clavo;limón | Jarra de chicha morada de la casa para la mesa. | chicha | f serves=4
Cerveza Pilsen 630 ml | bebidas | 12.00 | 5.80 | dog | vegetariano | cerveza | Cerveza nacional bien helada. | chela | f
Picarones | postres | 14.00 | 3.80 | dog | vegetariano;frito;criollo;dulce | zapallo;camote;harina;miel de chancaca | Buñuelos de zapallo y camote con miel de chancaca. | picarones | pl w=0.7
Torta de chocolate | postres | 12.00 | 5.00 | dog | vegetariano;dulce | harina;cacao;huevo;fudge | Tajada de torta húmeda de chocolate. | torta | f
""")

_CRIOLLO = _menu("""
Menú del día | menú | 16.00 | 10.00 | plowhorse | criollo | entrada;segundo;refresco | Entrada, segundo y refresco; cambia cada día. | menú | lunch w=3
Papa a la huancaína | entradas | 16.00 | 5.50 | plowhorse | vegetariano;criollo;frío | papa;queso fresco;ají amarillo;leche;galleta de soda | Papa sancochada en salsa de queso y ají amarillo. | huancaína | f w=3
Ocopa arequipeña | entradas | 17.00 | 6.00 | dog | vegetariano;criollo;picante | papa;huacatay;ají mirasol;queso fresco;maní;galleta | Papa con salsa de huacatay, ají mirasol y maní. | ocopa | f
Causa rellena de pollo | entradas | 24.00 | 6.00 | star | pollo;criollo;sin gluten;frío | papa amarilla;ají amarillo;pollo;mayonesa;palta | Causa de papa amarilla rellena de pollo y palta. | causa | f w=2.5
Rocoto relleno | entradas | 28.00 | 9.00 | puzzle | carne;picante;criollo | rocoto;carne molida;queso;pasas;aceituna;pastel de papa | Rocoto arequipeño relleno de carne con pastel de papa. | rocoto relleno |
Tamal criollo | entradas | 10.00 | 4.00 | dog | cerdo;criollo;sin gluten | maíz;cerdo;ají panca;aceituna;salsa criolla | Tamal de cerdo con salsa criolla. | tamal |
Lomo saltado | fondos | 42.00 | 16.00 | star | carne;criollo | lomo fino;cebolla;tomate;sillao;papas fritas;arroz | Lomo salteado al wok con papas fritas y arroz. | lomo saltado |
Ají de gallina | fondos | 32.00 | 9.00 | star | pollo;criollo | gallina;ají amarillo;pan;leche;pecanas;arroz;papa | Gallina deshilachada en crema de ají amarillo con arroz y papa. | ají de gallina |
Seco de res con frejoles | fondos | 38.00 | 13.00 | star | carne;criollo | res;culantro;chicha de jora;frejoles;arroz | Res guisada al culantro con frejoles y arroz. | seco |
Tacu tacu con lomo | fondos | 46.00 | 18.00 | puzzle | carne;criollo;frito | frejoles;arroz;lomo;huevo;plátano | Tacu tacu crocante con lomo saltado, huevo y plátano. | tacu tacu |
Arroz con pollo | fondos | 26.00 | 15.00 | plowhorse | pollo;criollo | arroz;pollo;culantro;arvejas;zanahoria;salsa criolla | Arroz verde al culantro con pierna de pollo. | arroz con pollo
Carapulcra con sopa seca | fondos | 36.00 | 12.00 | puzzle | cerdo;criollo | papa seca;cerdo;maní;ají panca;tallarines | Guiso de papa seca con cerdo, acompañado de sopa seca. | carapulcra | f
Pachamanca a la olla | fondos | 48.00 | 18.00 | puzzle | carne;cerdo;pollo;criollo;sin gluten | res;cerdo;pollo;huacatay;papa;camote;habas;humita | Carnes marinadas en huacatay con papa, camote y humita. | pachamanca | f w=0.6
Locro de zapallo | fondos | 24.00 | 6.50 | puzzle | vegetariano;criollo;sin gluten | zapallo;papa;choclo;queso fresco;arroz | Guiso de zapallo con queso fresco y arroz. | locro | w=0.35
Tallarines verdes con huancaína | fondos | 26.00 | 7.00 | puzzle | vegetariano;criollo | tallarines;albahaca;espinaca;queso fresco;papa;ají amarillo | Tallarines al pesto de albahaca con papa a la huancaína. | tallarines verdes | pl w=0.5
Aguadito de pollo | sopas | 20.00 | 11.00 | plowhorse | pollo;criollo;sin gluten | pollo;arroz;culantro;arvejas;ají amarillo | Caldo verde de arroz al culantro. | aguadito |
Chupe de camarones | sopas | 56.00 | 24.00 | puzzle | marino;mariscos;criollo | camarones;leche;queso;huevo;papa;choclo | Chupe arequipeño de camarones con huevo y queso. | chupe |
Sopa criolla | sopas | 22.00 | 12.00 | dog | carne;criollo | res;fideos;leche;huevo;ají panca | Sopa de fideos con carne, leche y huevo. | sopa criolla | f
Chicha morada (vaso) | bebidas | 7.00 | 1.40 | plowhorse | vegetariano;sin gluten;criollo;dulce | maíz morado;piña;canela;clavo;limón | Chicha de maíz morado hecha en casa. | chicha morada | f
Chicha morada (jarra 1 L) | bebidas | 15.00 | 4.50 | dog | vegetariano;sin gluten;criollo;dulce | maíz morado;piña;canela;clavo;limón | Jarra de chicha morada de la casa para la mesa. | chicha | f serves=4
Inca Kola 500 ml | bebidas | 6.00 | 2.40 | plowhorse | vegetariano;sin gluten;dulce | gaseosa | Gaseosa personal helada. | inca kola | f
Emoliente | bebidas | 5.00 | 1.20 | dog | vegetariano;sin gluten;criollo | cebada;linaza;cola de caballo;limón | Emoliente caliente de la casa. | emoliente | w=0.5
Pisco sour | bebidas | 24.00 | 6.50 | puzzle | vegetariano;criollo | pisco quebranta;limón;clara de huevo;amargo de angostura | Pisco sour clásico de pisco quebranta. | pisco sour | w=0.6
Suspiro a la limeña | postres | 14.00 | 4.00 | dog | vegetariano;sin gluten;criollo;dulce | manjar blanco;merengue;oporto;canela | Manjar blanco con merengue al oporto. | suspiro |
Mazamorra morada | postres | 10.00 | 2.50 | dog | vegetariano;sin gluten;criollo;dulce | maíz morado;frutas secas;chuño;canela | Mazamorra de maíz morado con frutas. | mazamorra | f
Arroz con leche | postres | 10.00 | 2.40 | dog | vegetariano;sin gluten;criollo;dulce | arroz;leche;canela;clavo | Arroz con leche con canela, receta de la abuela. | arroz con leche |
""")

_CHIFA = _menu("""
Wantán frito | entradas | 14.00 | 4.00 | plowhorse | cerdo;chifa;frito | masa wantán;cerdo;salsa tamarindo | Docena de wantanes fritos con salsa de tamarindo. | wantán frito |
Enrollado primavera | entradas | 12.00 | 4.50 | dog | vegetariano;chifa;frito | masa;col china;zanahoria;brotes de soya | Rollitos de verduras crocantes. | enrollado |
Siu mai de cerdo | entradas | 15.00 | 7.00 | dog | cerdo;chifa | cerdo;langostino;masa wantán | Cuatro siu mai al vapor. | siu mai |
Sopa wantán | sopas | 16.00 | 6.00 | dog | cerdo;chifa | caldo de gallina;wantán;cerdo;verduras | Sopa con wantanes de cerdo y verduras. | sopa wantán | f
Sopa fuchifu | sopas | 14.00 | 6.50 | dog | pollo;chifa | caldo de gallina;huevo;pollo;cebolla china | Sopa de huevo batido y pollo. | fuchifu |
Arroz chaufa de pollo | chaufas | 22.00 | 7.00 | star | pollo;chifa | arroz;pollo;huevo;cebolla china;sillao | Chaufa de pollo al wok. | chaufa |
Chaufa especial | chaufas | 28.00 | 9.00 | star | pollo;cerdo;chifa | arroz;pollo;chancho asado;langostino;huevo;sillao | Chaufa con pollo, chancho asado y langostinos. | chaufa especial |
Aeropuerto | chaufas | 26.00 | 9.50 | puzzle | pollo;chifa | arroz chaufa;tallarín saltado;pollo;tortilla | Chaufa y tallarín saltado juntos, con tortilla. | aeropuerto |
Chaufa de verduras | chaufas | 20.00 | 5.00 | puzzle | vegetariano;chifa | arroz;verduras;huevo;sillao | Chaufa de verduras al wok. | chaufa de verduras
Tallarín saltado de pollo | tallarines | 24.00 | 7.50 | star | pollo;chifa | tallarín;pollo;verduras;sillao;ostión | Tallarines salteados al wok con pollo. | tallarín saltado |
Tallarín saltado de verduras | tallarines | 21.00 | 5.50 | puzzle | vegetariano;chifa | tallarín;verduras;sillao | Tallarines salteados con verduras. | tallarín de verduras
Pollo chi jau kay | fondos | 30.00 | 9.00 | star | pollo;chifa;frito | pollo;harina;salsa de ostión;ajonjolí | Pollo frito en salsa de ostión. | chi jau kay |
Kam lu wantán | fondos | 32.00 | 10.50 | star | pollo;cerdo;mariscos;chifa;frito | wantán;pollo;cerdo;langostino;piña;salsa agridulce | Wantanes fritos con pollo, chancho y langostinos en salsa agridulce. | kam lu wantán |
Chancho con tamarindo | fondos | 32.00 | 10.00 | puzzle | cerdo;chifa;frito | cerdo;tamarindo;verduras | Chancho frito en salsa de tamarindo. | chancho con tamarindo |
Combinado Hong Fa | fondos | 17.00 | 10.50 | plowhorse | pollo;chifa;frito | arroz chaufa;tallarín;pollo frito;wantán | Combinado de chaufa, tallarín, pollo y wantán. | combinado |
Inca Kola 1.5 L | bebidas | 11.00 | 5.60 | plowhorse | vegetariano;sin gluten;dulce | gaseosa | Gaseosa familiar para compartir. | inca kola | f serves=4
Inca Kola 500 ml | bebidas | 5.00 | 2.40 | plowhorse | vegetariano;sin gluten;dulce | gaseosa | Gaseosa personal helada. | inca kola | f
Té jazmín | bebidas | 4.00 | 0.60 | plowhorse | vegetariano;sin gluten;chifa | té jazmín | Tetera de té jazmín. | té |
Chicha morada (jarra 1 L) | bebidas | 14.00 | 4.00 | dog | vegetariano;sin gluten;criollo;dulce | maíz morado;piña;canela;clavo;limón | Jarra de chicha morada de la casa para la mesa. | chicha | f serves=4
""")

_SANGUCHERIA = _menu("""
Pan con chicharrón | sánguches | 17.00 | 5.50 | star | cerdo;criollo;frito | pan francés;chicharrón de cerdo;camote frito;salsa criolla | Chicharrón de cerdo con camote frito y salsa criolla. | pan con chicharrón |
Butifarra | sánguches | 15.00 | 4.50 | star | cerdo;criollo | pan francés;jamón del país;salsa criolla | Jamón del país con salsa criolla. | butifarra | f
Sánguche de lechón | sánguches | 19.00 | 6.50 | puzzle | cerdo;criollo | pan;lechón;salsa criolla;camote | Lechón al horno con camote y criolla. | lechón |
Triple | sánguches | 12.00 | 6.50 | plowhorse | vegetariano | pan de molde;palta;tomate;huevo | Clásico triple de palta, tomate y huevo. | triple |
Pan con pejerrey | sánguches | 16.00 | 5.00 | puzzle | marino;frito;criollo | pan francés;pejerrey;salsa criolla | Pejerrey arrebozado con salsa criolla. | pan con pejerrey |
Sánguche de pavo | sánguches | 17.00 | 11.50 | plowhorse | criollo | pan francés;pavo al horno;salsa criolla;lechuga | Pavo horneado en casa. | sánguche de pavo
Camote frito | guarniciones | 8.00 | 3.00 | dog | vegetariano;sin gluten;frito | camote | Porción de camote frito. | camote |
Papas nativas fritas | guarniciones | 10.00 | 4.50 | plowhorse | vegetariano;sin gluten;frito | papa nativa | Papas nativas crocantes. | papas nativas | f pl
Jugo de papaya | bebidas | 9.00 | 3.50 | plowhorse | vegetariano;sin gluten | papaya;azúcar | Jugo de papaya recién licuado. | jugo |
Chicha morada (vaso) | bebidas | 6.00 | 1.40 | plowhorse | vegetariano;sin gluten;criollo;dulce | maíz morado;piña;canela;clavo;limón | Chicha de maíz morado hecha en casa. | chicha morada | f
Inca Kola 500 ml | bebidas | 5.00 | 2.40 | dog | vegetariano;sin gluten;dulce | gaseosa | Gaseosa personal helada. | inca kola | f
Café pasado | bebidas | 10.00 | 1.20 | puzzle | vegetariano;sin gluten | café de Chanchamayo | Café pasado de Chanchamayo. | café
Emoliente | bebidas | 4.00 | 1.00 | dog | vegetariano;sin gluten;criollo | cebada;linaza;cola de caballo;limón | Emoliente caliente. | emoliente |
Alfajor de maicena | postres | 5.00 | 1.50 | dog | vegetariano;dulce | maicena;manjar blanco | Alfajor relleno de manjar blanco. | alfajor |
""")

_NIKKEI = _menu("""
Tiradito nikkei | entradas | 46.00 | 14.00 | star | marino;nikkei;frío | pescado;salsa ponzu;ají limo;ajonjolí | Tiradito en salsa ponzu con ají limo. | tiradito nikkei | w=2.5
Gyozas de langostino | entradas | 36.00 | 22.00 | dog | marino;mariscos;nikkei | langostino;masa gyoza;sillao | Cinco gyozas de langostino a la plancha. | gyozas | f pl
Edamame | entradas | 18.00 | 9.00 | dog | vegetariano;sin gluten;nikkei | edamame;sal de maras | Edamame con sal de Maras. | edamame |
Maki acevichado | makis | 42.00 | 12.00 | star | marino;mariscos;nikkei;picante | arroz;langostino;palta;pescado;salsa acevichada | Maki de langostino y palta cubierto de pescado con salsa acevichada. | maki acevichado |
Maki furai | makis | 36.00 | 22.00 | plowhorse | marino;mariscos;nikkei;frito | arroz;langostino;queso crema;palta;panko | Maki empanizado de langostino. | maki furai
Maki de palta y pepino | makis | 30.00 | 6.00 | puzzle | vegetariano;nikkei | arroz;palta;pepino;nori | Maki vegetariano de palta y pepino. | maki de palta
Ceviche nikkei | ceviches | 48.00 | 15.00 | star | marino;nikkei;picante;frío | atún;limón;sillao;aceite de ajonjolí;nori | Ceviche de atún al estilo nikkei. | ceviche nikkei |
Salmón teriyaki | fondos | 62.00 | 22.00 | puzzle | marino;nikkei | salmón;salsa teriyaki;arroz gohan | Salmón glaseado en teriyaki con gohan. | salmón |
Chaufa nikkei de langostinos | fondos | 46.00 | 30.00 | plowhorse | marino;mariscos;nikkei | arroz;langostinos;tortilla;sillao | Chaufa al wok con langostinos y tortilla. | chaufa nikkei |
Lomo saltado nikkei | fondos | 58.00 | 21.00 | star | carne;nikkei | lomo fino;sillao;mirin;papas fritas;gohan | Lomo saltado con toque de mirin. | lomo saltado |
Sake caliente | bebidas | 32.00 | 8.00 | puzzle | vegetariano;nikkei | sake | Botellita de sake caliente. | sake
Limonada de hierbabuena | bebidas | 14.00 | 8.00 | plowhorse | vegetariano;sin gluten;frío | limón;hierbabuena;hielo | Limonada con hierbabuena. | limonada | f
Chicha morada (vaso) | bebidas | 10.00 | 1.40 | dog | vegetariano;sin gluten;criollo;dulce | maíz morado;piña;canela;clavo;limón | Chicha de maíz morado hecha en casa. | chicha morada | f
Inca Kola 500 ml | bebidas | 8.00 | 2.40 | plowhorse | vegetariano;sin gluten;dulce | gaseosa | Gaseosa personal helada. | inca kola | f
Mochi de lúcuma | postres | 18.00 | 9.00 | dog | vegetariano;sin gluten;dulce;nikkei | arroz glutinoso;helado de lúcuma | Mochi relleno de helado de lúcuma. | mochi |
Suspiro de maracuyá | postres | 28.00 | 5.00 | puzzle | vegetariano;sin gluten;dulce | manjar blanco;maracuyá;merengue | Suspiro limeño con maracuyá. | suspiro de maracuyá
""")

_ANTICUCHERIA = _menu("""
Anticuchos de corazón | parrilla | 24.00 | 7.50 | star | carne;parrilla;picante;criollo;sin gluten | corazón de res;ají panca;comino;vinagre;papa dorada;choclo | Tres palitos de corazón con papa dorada y choclo. | anticuchos | pl
Rachi | parrilla | 20.00 | 13.00 | plowhorse | carne;parrilla;criollo;sin gluten | mondongo;ají panca;papa dorada | Rachi a la parrilla con papa dorada. | rachi
Pancita | parrilla | 18.00 | 10.50 | plowhorse | carne;parrilla;criollo;sin gluten | pancita de res;ají panca;papa | Pancita a la parrilla. | pancita | f
Mollejitas a la parrilla | parrilla | 22.00 | 7.00 | puzzle | pollo;parrilla;criollo;sin gluten | mollejas de pollo;ají panca;papa | Mollejitas marinadas con papa dorada. | mollejitas | f pl
Choncholí | parrilla | 18.00 | 11.50 | dog | carne;parrilla;criollo;sin gluten | tripa de res;ají panca | Choncholí crocante a la parrilla. | choncholí |
Anticucho de pollo | parrilla | 20.00 | 13.00 | dog | pollo;parrilla;criollo | pollo;ají panca;papa | Brochetas de pollo al ají panca. | anticucho de pollo
Choclo con queso | guarniciones | 15.00 | 3.00 | puzzle | vegetariano;sin gluten;criollo | choclo;queso fresco | Choclo serrano con queso. | choclo con queso
Papa dorada con ají | guarniciones | 9.00 | 5.00 | plowhorse | vegetariano;sin gluten;criollo | papa;ají de pollería | Papas doradas a la plancha. | papas | f pl
Chicha morada (jarra 1 L) | bebidas | 14.00 | 7.00 | plowhorse | vegetariano;sin gluten;criollo;dulce | maíz morado;piña;canela;clavo;limón | Jarra de chicha morada de la casa para la mesa. | chicha | f serves=4
Inca Kola 1.5 L | bebidas | 12.00 | 5.60 | plowhorse | vegetariano;sin gluten;dulce | gaseosa | Gaseosa familiar para compartir. | inca kola | f serves=4
Cerveza Pilsen 630 ml | bebidas | 12.00 | 5.80 | plowhorse | vegetariano | cerveza | Cerveza nacional bien helada. | chela | f
Picarones | postres | 15.00 | 3.50 | puzzle | vegetariano;frito;criollo;dulce | zapallo;camote;harina;miel de chancaca | Buñuelos de zapallo y camote con miel de chancaca. | picarones | pl
Arroz con leche | postres | 9.00 | 2.40 | dog | vegetariano;sin gluten;criollo;dulce | arroz;leche;canela;clavo | Arroz con leche con canela, receta de la abuela. | arroz con leche |
""")

_PICANTERIA = _menu("""
Rocoto relleno | fondos | 32.00 | 10.00 | star | carne;picante;criollo | rocoto;carne molida;queso;pasas;pastel de papa | Rocoto arequipeño relleno con pastel de papa. | rocoto relleno |
Adobo arequipeño | fondos | 34.00 | 11.00 | star | cerdo;picante;criollo;sin gluten | cerdo;chicha de jora;ají panca;pan de tres puntas | Adobo de cerdo a la chicha de jora. | adobo |
Chupe de camarones | sopas | 58.00 | 24.00 | puzzle | marino;mariscos;criollo | camarones;leche;queso;huevo;papa;choclo | Chupe de camarones de río. | chupe |
Ocopa arequipeña | entradas | 16.00 | 5.00 | dog | vegetariano;criollo | papa;huacatay;ají mirasol;queso;maní | Ocopa de huacatay. | ocopa | f
Solterito de queso | entradas | 24.00 | 5.00 | star | vegetariano;sin gluten;criollo | queso fresco;habas;choclo;rocoto;aceituna | Ensalada arequipeña de queso y habas. | solterito | w=1.5
Chicharrón de chancho | fondos | 38.00 | 27.00 | plowhorse | cerdo;frito;criollo | cerdo;mote;camote;salsa criolla | Chicharrón de chancho con mote y camote. | chicharrón
Cuy chactado | fondos | 68.00 | 26.00 | puzzle | carne;frito;criollo;sin gluten | cuy;papa;ensalada | Cuy frito bajo piedra con papas. | cuy |
Pastel de papa | entradas | 14.00 | 7.50 | dog | vegetariano;criollo | papa;queso;huevo;leche | Pastel de papa gratinado. | pastel de papa |
Chicha de jora | bebidas | 8.00 | 2.00 | plowhorse | vegetariano;criollo | maíz de jora | Chicha de jora fermentada. | chicha de jora | f
Chicha morada (vaso) | bebidas | 7.00 | 1.40 | plowhorse | vegetariano;sin gluten;criollo;dulce | maíz morado;piña;canela;clavo;limón | Chicha de maíz morado hecha en casa. | chicha morada | f
Inca Kola 500 ml | bebidas | 6.00 | 2.40 | dog | vegetariano;sin gluten;dulce | gaseosa | Gaseosa personal helada. | inca kola | f
Queso helado | postres | 10.00 | 3.00 | dog | vegetariano;sin gluten;dulce | leche;coco;canela | Queso helado arequipeño. | queso helado |
Mazamorra morada | postres | 9.00 | 2.50 | dog | vegetariano;sin gluten;criollo;dulce | maíz morado;frutas secas;chuño;canela | Mazamorra de maíz morado con frutas. | mazamorra | f
""")

MENUS: dict[str, tuple[Dish, ...]] = {
    "cevicheria": _CEVICHERIA,
    "polleria": _POLLERIA,
    "criollo": _CRIOLLO,
    "chifa": _CHIFA,
    "sangucheria": _SANGUCHERIA,
    "nikkei": _NIKKEI,
    "anticucheria": _ANTICUCHERIA,
    "picanteria": _PICANTERIA,
}
