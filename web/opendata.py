"""Open data for everyone, linked from the public status page: /publik/data lists the datasets with their
metadata; /publik/data/{name}.csv and .json are the files (the JSON carries the metadata beside the rows)."""

from datetime import date

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from core import formatting
from core.publish import opendata
from db.engine import session_scope
from web.common import STATE, error, page_lang, shared, unavailable
from web.templating import Words, render

CACHE_S = 300  # aggregates of a day's data: one computation serves every download meanwhile


def _dataset(name: str) -> opendata.Dataset:
    """A dataset as computed at most CACHE_S ago: one computation serves /publik/data and /api/v1/opendata."""
    def make():
        settings = STATE["settings"]
        with session_scope(STATE["engine"]) as session:
            return opendata.build(session, name, settings.zone, settings.org_name)
    return shared(("opendata", STATE["settings"].database_url, name), CACHE_S, make)


async def download(request: Request) -> Response:
    if STATE["engine"] is None:
        return unavailable(request)
    name, kind = request.path_params["name"], request.path_params["kind"]
    if name not in opendata.NAMES or kind not in ("csv", "json"):
        return error("not_found", f"no dataset {name}.{kind}; see /publik/data", 404)
    dataset = await run_in_threadpool(_dataset, name)
    producer, headers = STATE["settings"].org_name, {"Cache-Control": f"public, max-age={CACHE_S}"}
    if kind == "csv":
        headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return Response(opendata.as_csv(dataset), media_type="text/csv; charset=utf-8", headers=headers)
    return Response(opendata.as_json(dataset, page_lang(request), producer), media_type="application/json",
                    headers=headers)


def _period(raw: str, lang: str) -> str:
    """A dataset's period as a reader writes it: a day (a count as of that day), months or years."""
    try:
        return formatting.day(date.fromisoformat(raw), lang)
    except ValueError:
        pass
    try:
        return " – ".join(formatting.month(date.fromisoformat(f"{p}-01"), lang) for p in raw.split("/"))
    except ValueError:
        return raw.replace("/", " – ")


def _index_html(sets: list[opendata.Dataset], lang: str, org: str) -> str:
    """The datasets with their metadata, from the public pages' template (every value escaped there)."""
    shown = []
    for d in sets:
        meta = d.metadata(lang, org)
        shown.append({"name": d.name, "meta": meta, "updated": d.updated, "period": _period(meta["period"], lang)})
    return render("public/opendata.html", w=Words(lang, STATE["settings"].zone), org=org, sets=shown,
                  licence=opendata.LICENCE, licence_url=opendata.LICENCE_URL)


async def index(request: Request) -> Response:
    if STATE["engine"] is None:
        return unavailable(request)
    lang = page_lang(request)
    sets = [await run_in_threadpool(_dataset, name) for name in opendata.NAMES]
    if request.query_params.get("format") == "json":
        return JSONResponse([d.metadata(lang, STATE["settings"].org_name) for d in sets])
    return HTMLResponse(_index_html(sets, lang, STATE["settings"].org_name),
                        headers={"Cache-Control": f"public, max-age={CACHE_S}"})


ROUTES = [Route("/publik/data", index), Route("/publik/data/{name}.{kind}", download)]
