"""Serving browser assets from installed packages: nothing is fetched from a CDN, nothing copied.

vis-network comes from the installed pyvis wheel (which ships it under ``pyvis/lib``); YASGUI,
Swagger UI and ReDoc from ``node_modules`` (installed by ``npm ci`` from package.json). Our own CSS and JS live in
``web/static``. Each asset is a fixed name -> file table entry, so no request can name a path.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse
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


def register_assets(app: FastAPI) -> None:
    """Mount /static (our files) and /assets/{name} (installed packages' files)."""
    settings: Settings = app.state.settings
    table = asset_table(settings)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/assets/{name}", include_in_schema=False)
    def asset(name: str) -> FileResponse:
        path = table.get(name)
        if path is None or not path.is_file():
            raise HTTPException(404, f"no asset {name!r} (is the package that ships it installed?)")
        return FileResponse(
            path,
            media_type=MEDIA_TYPES.get(path.suffix, "application/octet-stream"),
            headers={"Cache-Control": "public, max-age=86400"},
        )
