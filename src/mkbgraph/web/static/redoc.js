/* ReDoc for this app's OpenAPI document (script served from the installed redoc package; no web fonts). */
(function () {
  "use strict";
  Redoc.init("/openapi.json", { disableSearch: false, hideDownloadButton: false,
    theme: { typography: { fontFamily: "system-ui, sans-serif", headings: { fontFamily: "system-ui, sans-serif" } } } },
    document.getElementById("redoc-container"),
    function () { document.body.setAttribute("data-docs-ready", "true"); });
})();
