/* YASGUI on /query: our endpoint, our prefixes, the canned queries as examples, and result links
 * that open this site's pages instead of the w3id.org IRIs. No request leaves this server:
 * the LOV class/property autocompleters are off and prefixes come from YASGUI's bundled list.
 *
 * What the page adds to YASGUI:
 * - a Share link (/query#query=...) restores the query and runs it, in any browser;
 * - Enter always makes a new line: an open autocomplete list never takes it (Tab picks);
 * - results show literals simply (26, not "26"^^xsd:integer): YASR's compact table;
 * - the controls YASGUI draws get Dutch (or English) names, and names for screen readers. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("query-config").textContent);
  var words = config.words || {};
  var root = document.getElementById("yasgui");
  var plain = document.getElementById("plain-editor");
  if (typeof Yasgui === "undefined") return; // the plain form stays
  root.hidden = false;
  plain.hidden = true;
  var endpoint = new URL(config.endpoint, window.location.href).toString();

  function shared() {
    // YASGUI's Share link carries the query in the fragment: #query=...&endpoint=...
    var hash = window.location.hash.replace(/^#/, "");
    if (!hash) return null;
    var params = new URLSearchParams(hash);
    return params.get("query");
  }
  var fromLink = shared();

  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: null,
    populateFromUrl: false,
    yasqe: {
      autocompleters: ["prefixes", "variables"],
      value: fromLink || config.query,
      hintConfig: {
        completeSingle: false,
        extraKeys: {
          Enter: function (cm, handle) { handle.close(); cm.execCommand("newlineAndIndent"); }
        }
      }
    },
    yasr: { prefixes: config.prefixes }
  });
  window.mkbYasgui = yasgui;
  var tab = yasgui.getTab();
  tab.setEndpoint(endpoint);
  tab.setQuery(fromLink || config.query);
  var yasr = tab.getYasr();
  if (yasr && yasr.plugins && yasr.plugins.table) yasr.plugins.table.persistentConfig.compact = true;

  function localise(a) {
    var target = a.getAttribute("href") || "";
    Object.keys(config.localBases).forEach(function (base) {
      if (target.indexOf(base) === 0) {
        a.setAttribute("href", config.localBases[base] + target.slice(base.length));
        a.removeAttribute("target");
      }
    });
  }

  /* Names YASGUI leaves out (the editor's text area, the endpoint field) and its English words
   * where they are plain text or titles. Idempotent: runs on every change YASGUI makes. */
  function name(selector, label) {
    root.querySelectorAll(selector).forEach(function (node) {
      if (node.getAttribute("aria-label") !== label) node.setAttribute("aria-label", label);
    });
  }
  function polish() {
    root.querySelectorAll(".yasr a[href]").forEach(localise);
    name(".yasqe textarea", words.editor || "SPARQL-query");
    name("input.autocomplete", words.endpoint || "Endpoint");
    name(".yasr select", words.choose || "Kies");
    root.querySelectorAll("[role=tablist]").forEach(function (list) {
      // a tab list holds tabs only: YASGUI's "add tab" button moves out, next to it
      var add = list.querySelector(".addTab");
      if (add && add.parentElement && add.parentElement.parentElement === list) list.after(add.parentElement);
    });
    Object.keys(words.titles || {}).forEach(function (english) {
      root.querySelectorAll("[title='" + english + "']").forEach(function (node) {
        node.setAttribute("title", words.titles[english]);
        if (!node.getAttribute("aria-label")) node.setAttribute("aria-label", words.titles[english]);
      });
    });
  }
  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; polish(); });
  }).observe(root, { childList: true, subtree: true });
  polish();

  tab.on("queryResponse", function () { document.body.setAttribute("data-query-done", "true"); });
  if (fromLink) tab.query();

  document.querySelectorAll("a.open-example").forEach(function (a) {
    a.addEventListener("click", function (event) {
      var example = config.examples.filter(function (e) { return e.name === a.dataset.name; })[0];
      if (!example) return;
      event.preventDefault();
      yasgui.getTab().setQuery(example.query);
      root.scrollIntoView();
      yasgui.getTab().query();
    });
  });
})();
