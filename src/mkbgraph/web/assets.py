"""Serving browser assets from installed packages: nothing is fetched from a CDN, nothing copied.

vis-network comes from the installed pyvis wheel (which ships it under ``pyvis/lib``); YASGUI,
Swagger UI and ReDoc from ``node_modules`` (installed by ``npm ci`` from package.json). Our own CSS and JS live in
``web/static``. Each asset is a fixed name -> file table entry, so no request can name a path.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles

from mkbgraph.config import Settings
from mkbgraph.web.network_view import vis_asset_dir

STATIC_DIR = Path(__file__).parent / "static"
YASGUI_BUILD = Path("@zazuko") / "yasgui" / "build"

#: Public name -> (where the file is, media type).
MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
}


def yasgui_dir(settings: Settings) -> Path:
    """Where YASGUI's build files are (may not exist: then the editor degrades to a form)."""
    return settings.node_modules_dir / YASGUI_BUILD


def yasgui_available(settings: Settings) -> bool:
    """Whether YASGUI is installed, so the editor page can load it."""
    folder = yasgui_dir(settings)
    return (folder / "yasgui.min.js").is_file() and (folder / "yasgui.min.css").is_file()


def asset_table(settings: Settings) -> dict[str, Path]:
    """Every third-party asset the pages load, by public name."""
    vis = vis_asset_dir()
    yasgui = yasgui_dir(settings)
    return {
        "vis-network.min.js": vis / "vis-network.min.js",
        "vis-network.css": vis / "vis-network.css",
        "yasgui.min.js": yasgui / "yasgui.min.js",
        "yasgui.min.css": yasgui / "yasgui.min.css",
        "swagger-ui-bundle.js": settings.node_modules_dir / "swagger-ui-dist" / "swagger-ui-bundle.js",
        "swagger-ui.css": settings.node_modules_dir / "swagger-ui-dist" / "swagger-ui.css",
        "redoc.standalone.js": settings.node_modules_dir / "redoc" / "bundles" / "redoc.standalone.js",
    }


#: Served-time edits of a package's file: (text in the file, what it becomes). ReDoc's sidebar
#: always shows a logo from the vendor's CDN; offline that is a refused request, so it becomes an
#: empty ``data:`` image. The installed file is not touched.
REWRITES: dict[str, tuple[tuple[bytes, bytes], ...]] = {
    "redoc.standalone.js": ((b"https://cdn.redoc.ly/redoc/logo-mini.svg", b"data:,"),),
}


@lru_cache(maxsize=4)
def _rewritten(path: Path, name: str, mtime: float) -> bytes:
    body = path.read_bytes()
    for old, new in REWRITES[name]:
        body = body.replace(old, new)
    return body


def register_assets(app: FastAPI) -> None:
    """Mount /static (our files) and /assets/{name} (installed packages' files)."""
    settings: Settings = app.state.settings
    table = asset_table(settings)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/assets/{name}", include_in_schema=False)
    def asset(name: str) -> Response:
        path = table.get(name)
        if path is None or not path.is_file():
            raise HTTPException(404, f"no asset {name!r} (is the package that ships it installed?)")
        media_type = MEDIA_TYPES.get(path.suffix, "application/octet-stream")
        headers = {"Cache-Control": "public, max-age=86400"}
        if name in REWRITES:
            body = _rewritten(path, name, path.stat().st_mtime)
            return Response(body, media_type=media_type, headers=headers)
        return FileResponse(path, media_type=media_type, headers=headers)
