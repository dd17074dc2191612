/* mkbgraph network view: vis-network with positions computed on the server.
 * Every text from the data goes into the page through textContent or as a DOM node, never as
 * HTML: vis-network renders string titles as HTML, so tooltips are elements built here. */
(function () {
  "use strict";
  var raw = JSON.parse(document.getElementById("network-data").textContent);
  var words = raw.words || {};
  function w(dutch) { return words[dutch] || dutch; }
  var data = expand(raw);

  /* The server sends each quote, section, relation, kind style and theme once, and edges as
   * [from, to, relation, quote, section] positions (network_view.compact); this rebuilds the
   * records the view works with. */
  function expand(raw) {
    function localPath(iri) {
      var bases = Object.keys(raw.localBases || {});
      for (var i = 0; i < bases.length; i++) {
        if (iri.indexOf(bases[i]) === 0) return raw.localBases[bases[i]] + iri.slice(bases[i].length);
      }
      return "";
    }
    function shorten(text) { return text.length <= 40 ? text : text.slice(0, 39) + "\u2026"; }
    var themeLabels = {};
    raw.themes.forEach(function (t) { themeLabels[t.iri] = t.label; });
    var organisations = raw.view === "organisations";
    var nodes = raw.nodes.map(function (c) {
      var kind = raw.kinds[c.kind] || { color: "#888888", shape: "dot", label: c.kind };
      var id = c.id.indexOf("://") > 0 ? c.id : raw.idBase + c.id;
      return {
        id: id, label: c.label || shorten(c.fullLabel), fullLabel: c.fullLabel, kind: c.kind,
        hub: c.hub === true, actions: c.actions,
        kindLabel: w(kind.label), kindColor: kind.color, shape: kind.shape, x: c.x, y: c.y, size: 10,
        path: localPath(id), themes: (c.themes || []).map(function (i) { return raw.themes[i].iri; }),
        community: c.community, communityColor: raw.communityColors[String(c.community)] || "#bbbbbb",
        centrality: c.centrality, sizeByCentrality: c.sizeByCentrality
      };
    });
    var edges = raw.edges.map(function (e, number) {
      var relation = raw.relations[e[2]];
      var section = e[4] >= 0 ? raw.sections[e[4]] : "";
      return {
        id: "e" + number, from: nodes[e[0]].id, to: nodes[e[1]].id, relation: relation.name,
        assumed: !!relation.assumed,
        label: w(relation.label), color: relation.color, sentence: (raw.sentences || {})[relation.name] || relation.sentence || "{s} → " + relation.label + " → {o}",
        quote: e[3] >= 0 ? raw.quotes[e[3]] : "",
        section: section, sectionPath: section ? localPath(section) : "",
        sectionLabel: e[4] >= 0 && raw.sectionLabels ? raw.sectionLabels[e[4]] : "",
        weight: e.length > 5 ? e[5] : 1, actions: e.length > 6 ? raw.actionLists[e[6]] : []
      };
    });
    return {
      nodes: nodes, edges: edges, options: raw.options, focus: raw.focus, themeLabels: themeLabels,
      colour: raw.colour, size: raw.size, standalone: raw.standalone, view: raw.view || "all"
    };
  }
  // on a phone the picture comes first (CSS) and the filters start folded
  var fold = document.getElementById("network-fold");
  if (fold && window.matchMedia && window.matchMedia("(max-width: 60em)").matches) fold.open = false;
  var container = document.getElementById("network");
  var panelBody = document.getElementById("panel-body");
  var status = document.getElementById("network-status");
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  var edgeById = {};
  data.edges.forEach(function (e) { edgeById[e.id] = e; });

  function count(n, singular, plural) { return n + " " + w(n === 1 ? singular : plural); }
  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function href(item) { return data.standalone ? item.id : (item.path || item.id); }
  function tip(text) { return el("div", text, { "class": "vis-tip" }); }

  var byOrganisations = data.view === "organisations";
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    if (byOrganisations) {
      // who works with whom: size by shared actions, the hubs' names always drawn, the rest on hover
      return {
        id: n.id, label: n.hub ? n.label : undefined, shape: "dot", x: n.x, y: n.y, color: n.kindColor,
        size: n.sizeByCentrality, font: { size: n.hub ? 16 : 12, strokeWidth: 3, strokeColor: "#ffffff" },
        title: tip(n.fullLabel + " (" + count(n.actions, "actie", "acties") + ")")
      };
    }
    return {
      id: n.id, label: n.label, shape: n.shape, x: n.x, y: n.y,
      color: data.colour === "community" ? n.communityColor : n.kindColor,
      size: data.size === "centrality" ? n.sizeByCentrality : n.size,
      title: tip(n.fullLabel + " (" + n.kindLabel + ")")
    };
  }));
  var edges = new vis.DataSet(data.edges.map(function (e) {
    if (byOrganisations) {
      return { id: e.id, from: e.from, to: e.to, width: 1 + 2 * Math.log2(e.weight),
               color: { color: e.color, opacity: 0.55 }, title: tip(sentence(e)) };
    }
    // edge labels only where they can be read: on views of up to 150 nodes (the panel always names the relation)
    // a role the report does not state (shown only with ?assumed=true) is drawn dashed
    return { id: e.id, from: e.from, to: e.to, label: data.nodes.length <= 150 ? e.label : undefined,
             color: { color: e.color }, dashes: e.assumed, title: tip(sentence(e)) };
  }));
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  window.mkbNetwork = { network: network, nodes: nodes, edges: edges, data: data };

  network.once("afterDrawing", function () {
    window.mkbNetworkFirstFrame = performance.now();  // what bench/bench_network_first_frame.py reads
    document.body.setAttribute("data-network-ready", "true");
  });

  function neighbours(id) {
    var found = [];
    data.edges.forEach(function (e) {
      if (e.from === id && byId[e.to]) found.push([e.label, byId[e.to]]);
      if (e.to === id && byId[e.from]) found.push([e.label, byId[e.from]]);
    });
    return found;
  }

  function link(item, text) { return el("a", text || item.fullLabel, { href: href(item) }); }

  function showNode(id) {
    var n = byId[id];
    if (!n) return;
    panelBody.replaceChildren();
    panelBody.appendChild(el("h3", n.fullLabel));
    panelBody.appendChild(el("p", n.kindLabel, { "class": "kind" }));
    var facts = el("dl");
    function fact(name, value) { facts.appendChild(el("dt", name)); var dd = el("dd"); if (value instanceof Node) dd.appendChild(value); else dd.textContent = value; facts.appendChild(dd); }
    if (n.themes.length) fact(w("Thema's"), n.themes.map(function (t) { return data.themeLabels[t] || t; }).join(", "));
    if (byOrganisations) {
      fact(w("Acties"), String(n.actions));
      fact(w("Samenwerkingen (gedeelde acties)"), String(n.centrality));
    } else {
      fact(w("Centraliteit (PageRank)"), Number(n.centrality).toLocaleString(document.documentElement.lang === "en" ? "en-GB" : "nl-NL", { maximumFractionDigits: 3 }));
      fact(w("Gemeenschap"), n.community < 0 ? w("geen") : String(n.community + 1));
    }
    panelBody.appendChild(facts);
    var p = el("p");
    p.appendChild(link(n, w("Pagina van") + " " + n.fullLabel));
    if (!data.standalone) {
      p.appendChild(document.createTextNode(" · "));
      p.appendChild(el("a", w("Netwerk rond dit item"), { href: "/network?focus=" + encodeURIComponent(n.id) + "&depth=2" }));
    }
    panelBody.appendChild(p);
    var near = neighbours(id);
    if (near.length) {
      panelBody.appendChild(el("h4", w("Verbonden met") + " (" + near.length + ")"));
      var list = el("ul");
      near.slice(0, 30).forEach(function (pair) {
        var li = el("li", pair[0] + ": ");
        li.appendChild(link(pair[1]));
        list.appendChild(li);
      });
      panelBody.appendChild(list);
    }
  }

  /* An edge as a sentence: "Kamer van Koophandel is verantwoordelijk voor <actie>". */
  function sentence(e) {
    var from = byId[e.from], to = byId[e.to];
    var shared = count(e.weight, "actie", "acties");
    return e.sentence.replace("{s}", from ? from.fullLabel : e.from).replace("{o}", to ? to.fullLabel : e.to).replace("{n}", shared);
  }
  function sentenceWithLinks(e) {
    // the same sentence with the two names as links
    var p = el("p", null, { "class": "edge-sentence" });
    var parts = e.sentence.split(/(\{s\}|\{o\}|\{n\})/);
    parts.forEach(function (part) {
      if (part === "{s}") p.appendChild(link(byId[e.from]));
      else if (part === "{o}") p.appendChild(link(byId[e.to]));
      else if (part === "{n}") p.appendChild(document.createTextNode(count(e.weight, "actie", "acties")));
      else if (part) p.appendChild(document.createTextNode(part));
    });
    p.appendChild(document.createTextNode("."));
    return p;
  }

  function showEdge(id) {
    var e = edgeById[id];
    if (!e) return;
    panelBody.replaceChildren();
    panelBody.appendChild(el("h3", e.label));
    panelBody.appendChild(sentenceWithLinks(e));
    if (e.actions && e.actions.length) {
      var list = el("ul", null, { "class": "shared-actions" });
      e.actions.forEach(function (a) {
        var li = el("li");
        li.appendChild(el("a", a.label, { href: data.standalone ? a.iri : (a.path || a.iri) }));
        list.appendChild(li);
      });
      panelBody.appendChild(list);
      return;
    }
    if (e.quote) {
      var q = el("blockquote", null, { "class": "quote" });
      q.appendChild(el("p", e.quote));
      if (e.section) {
        var f = el("footer", "— " + w("uit de rapportage") + ", ");
        f.appendChild(el("a", e.sectionLabel || e.sectionPath || e.section, { href: data.standalone ? e.section : (e.sectionPath || e.section) }));
        q.appendChild(f);
      }
      panelBody.appendChild(q);
    } else {
      panelBody.appendChild(el("p", w("Geen citaat vastgelegd voor deze verbinding.")));
    }
  }

  network.on("click", function (params) {
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
  });

  function focusNode(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: false });
    showNode(id);
  }
  // every view opens fitted to the canvas: an ego network shows all its nodes, the focus selected
  network.fit({ animation: false });
  // names readable at the fitted zoom (about 13-14 screen pixels, whatever the graph's extent):
  // the hubs of the organisation view, every node of a small view such as an ego network
  var readable = byOrganisations ? data.nodes.filter(function (n) { return n.hub; })
    : (data.nodes.length <= 80 ? data.nodes : []);
  if (readable.length) {
    var fontSize = Math.round((byOrganisations ? 14 : 12) / Math.max(network.getScale(), 0.05));
    nodes.update(readable.map(function (n) {
      var change = { id: n.id, font: { size: fontSize, strokeWidth: Math.round(fontSize / 4), strokeColor: "#ffffff" } };
      if (!byOrganisations) change.size = Math.round(8 / Math.max(network.getScale(), 0.05));
      return change;
    }));
  }
  if (data.focus && byId[data.focus]) {
    network.selectNodes([data.focus]);
    showNode(data.focus);
  }

  // search that focuses a node
  var list = document.getElementById("network-search-list");
  data.nodes.forEach(function (n) { list.appendChild(el("option", null, { value: n.fullLabel })); });
  var message = document.getElementById("network-search-message");
  document.getElementById("network-search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = document.getElementById("network-search").value.trim().toLowerCase();
    if (!text) return;
    var exact = null, partial = null;
    data.nodes.forEach(function (n) {
      var names = [n.fullLabel.toLowerCase(), n.label.toLowerCase()];
      if (names.indexOf(text) >= 0 && !exact) exact = n;
      else if (!partial && names.some(function (s) { return s.indexOf(text) >= 0; })) partial = n;
    });
    var hit = exact || partial;
    if (hit) { message.textContent = w("Gevonden:") + " " + hit.fullLabel; focusNode(hit.id); }
    else message.textContent = w("Geen knoop gevonden in deze weergave.");
  });

  // physics toggle
  document.getElementById("physics-toggle").addEventListener("change", function (event) {
    network.setOptions({ physics: { enabled: event.target.checked } });
  });

  // filters apply at once
  var filters = document.getElementById("network-filters");
  if (filters) {
    filters.addEventListener("change", function () { filters.requestSubmit(); });
  }
  status.textContent = count(data.nodes.length, "knoop", "knopen") + ", " + count(data.edges.length, "verbinding", "verbindingen") + ".";
})();
