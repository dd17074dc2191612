/* YASGUI on /query: our endpoint, our prefixes, the canned queries as examples, and result links
 * that open this site's pages instead of the w3id.org IRIs. No request leaves this server:
 * the LOV class/property autocompleters are off and prefixes come from YASGUI's bundled list. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("query-config").textContent);
  var root = document.getElementById("yasgui");
  var plain = document.getElementById("plain-editor");
  if (typeof Yasgui === "undefined") return; // the plain form stays
  root.hidden = false;
  plain.hidden = true;
  var endpoint = new URL(config.endpoint, window.location.href).toString();
  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: null,
    populateFromUrl: false,
    yasqe: { autocompleters: ["prefixes", "variables"], value: config.query },
    yasr: { prefixes: config.prefixes }
  });
  window.mkbYasgui = yasgui;
  var tab = yasgui.getTab();
  tab.setEndpoint(endpoint);
  tab.setQuery(config.query);

  function localise(a) {
    var target = a.getAttribute("href") || "";
    Object.keys(config.localBases).forEach(function (base) {
      if (target.indexOf(base) === 0) {
        a.setAttribute("href", config.localBases[base] + target.slice(base.length));
        a.removeAttribute("target");
      }
    });
  }
  new MutationObserver(function () {
    root.querySelectorAll(".yasr a[href]").forEach(localise);
  }).observe(root, { childList: true, subtree: true });

  document.querySelectorAll("a.open-example").forEach(function (a) {
    a.addEventListener("click", function (event) {
      var example = config.examples.filter(function (e) { return e.name === a.dataset.name; })[0];
      if (!example) return;
      event.preventDefault();
      yasgui.getTab().setQuery(example.query);
      root.scrollIntoView();
    });
  });
})();
