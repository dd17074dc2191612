/* Swagger UI for this app's OpenAPI document (scripts served from the installed swagger-ui-dist). */
(function () {
  "use strict";
  window.mkbSwagger = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    onComplete: function () { document.body.setAttribute("data-docs-ready", "true"); }
  });
})();
