"""Real HTTP servers on 127.0.0.1 that play shop sites for the connector tests.

A :class:`FakeSite` serves whatever its routes return (status, headers, body) and records every
request it gets, so tests can assert how politely a connector behaved. Builders below write
VTEX search replies and Falabella (Next.js) listing pages the way those sites shape them.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]

    def arg(self, name: str, default: str = "") -> str:
        return self.query.get(name, [default])[0]


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)


Route = Callable[[Request], Reply]


class FakeSite:
    """A threaded HTTP server whose routes are Python callables."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Request] = []
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                request = Request(
                    parts.path,
                    parse_qs(parts.query, keep_blank_values=True),
                    {k.lower(): v for k, v in self.headers.items()},
                )
                with site._lock:
                    site.hits.append(request)
                route = site.routes.get(parts.path)
                reply = route(request) if route else Reply(404, "not found")
                body = reply.body.encode() if isinstance(reply.body, str) else reply.body
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def route(self, path: str, handler: Route | Reply) -> None:
        self.routes[path] = handler if callable(handler) else (lambda _request: handler)

    def hits_to(self, path: str) -> list[Request]:
        with self._lock:
            return [hit for hit in self.hits if hit.path == path]

    def start(self) -> FakeSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@contextmanager
def running_site() -> Iterator[FakeSite]:
    site = FakeSite().start()
    try:
        yield site
    finally:
        site.stop()


# --- VTEX -----------------------------------------------------------------------------------

SEARCH = "/api/catalog_system/pub/products/search"


def vtex_offer(
    price: float,
    *,
    list_price: float | None = None,
    without_discount: float | None = None,
    quantity: int = 99999,
    available: bool = True,
    teasers: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "Price": price,
        "ListPrice": list_price if list_price is not None else price,
        "PriceWithoutDiscount": without_discount if without_discount is not None else price,
        "AvailableQuantity": quantity,
        "IsAvailable": available,
        "PromotionTeasers": teasers or [],
    }


def vtex_product(
    product_id: int,
    name: str,
    *,
    offer: dict[str, Any] | None = None,
    sellers: list[dict[str, Any]] | None = None,
    brand: str = "Gloria",
    ean: str | None = None,
    category: str = "/Lácteos/Leches/",
    category_ids: str = "/1/10/",
) -> dict[str, Any]:
    """A product of a VTEX search reply with one SKU (``itemId`` = ``product_id * 10``)."""
    return {
        "productId": str(product_id),
        "productName": name,
        "brand": brand,
        "link": f"https://www.example.pe/{product_id}/p",
        "categories": [category, "/" + category.strip("/").split("/")[0] + "/"],
        "categoriesIds": [category_ids],
        "items": [
            {
                "itemId": str(product_id * 10),
                "nameComplete": name,
                "ean": ean if ean is not None else f"7750{product_id:09d}",
                "sellers": sellers
                or [
                    {
                        "sellerId": "1",
                        "sellerDefault": True,
                        "commertialOffer": offer or vtex_offer(10.0),
                    }
                ],
            }
        ],
    }


def vtex_search_route(
    products: list[dict[str, Any]] | Callable[[], list[dict[str, Any]]],
    *,
    etag: bool = False,
) -> Route:
    """A search endpoint that filters ``fq=C:/path/`` and ``ft`` and pages with 206 replies."""

    def handle(request: Request) -> Reply:
        catalog = products() if callable(products) else products
        chosen = catalog
        for fq in request.query.get("fq", []):
            if fq.startswith("C:"):
                chosen = [
                    p
                    for p in chosen
                    if any(c.startswith(fq[2:]) for c in p.get("categoriesIds", ["/1/"]))
                ]
        if text := request.arg("ft"):
            chosen = [p for p in chosen if text.lower() in p["productName"].lower()]
        start, end = int(request.arg("_from", "0")), int(request.arg("_to", "49"))
        if end - start + 1 > 50 or start > 2500:
            return Reply(400, json.dumps({"error": "_from/_to out of range"}))
        page = chosen[start : end + 1]
        body = json.dumps(page)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "resources": f"{start}-{start + max(len(page) - 1, 0)}/{len(chosen)}",
        }
        if etag:
            tag = '"' + hashlib.sha1(body.encode()).hexdigest() + '"'
            if request.headers.get("if-none-match") == tag:
                return Reply(304, b"", {"ETag": tag})
            headers["ETag"] = tag
        return Reply(206, body, headers)

    return handle


# --- Falabella ------------------------------------------------------------------------------


def falabella_result(
    sku: str,
    name: str,
    *,
    normal: str | None = None,
    internet: str | None = "10.90",
    cmr: str | None = None,
    badge: str | None = None,
) -> dict[str, Any]:
    prices = []
    if internet is not None:
        prices.append(
            {"type": "internetPrice", "price": [internet], "crossed": False, "symbol": "S/ "}
        )
    if normal is not None:
        prices.append({"type": "normalPrice", "price": [normal], "crossed": True, "symbol": "S/ "})
    if cmr is not None:
        prices.append({"type": "cmrPrice", "price": [cmr], "crossed": False, "symbol": "S/ "})
    result: dict[str, Any] = {
        "productId": f"P{sku}",
        "skuId": sku,
        "displayName": name,
        "brand": "TOTTUS",
        "url": f"/tottus-pe/product/{sku}/{name.replace(' ', '-')}",
        "prices": prices,
    }
    if badge:
        result["discountBadge"] = {"label": badge}
    return result


def falabella_page(results: list[dict[str, Any]], *, count: int, page: int, per_page: int) -> str:
    document = {
        "props": {
            "pageProps": {
                "results": results,
                "pagination": {"count": count, "perPage": per_page, "currentPage": page},
            }
        },
        "page": "/category",
    }
    return (
        "<!DOCTYPE html><html><head><title>Despensa | Tottus</title></head><body>"
        '<div id="__next"><h1>Despensa</h1></div>'
        f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(document)}</script>'
        "</body></html>"
    )
