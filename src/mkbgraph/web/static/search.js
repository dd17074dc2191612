/* Suggestions for the search box from /api/search (labels and abbreviations). */
(function () {
  "use strict";
  var input = document.getElementById("site-search");
  var list = document.getElementById("site-search-suggestions");
  if (!input || !list) return;
  var timer = null, paths = {};
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var text = input.value.trim();
    if (paths[text]) { window.location.href = paths[text]; return; }
    if (text.length < 2) return;
    timer = setTimeout(function () {
      fetch("/api/search?q=" + encodeURIComponent(text) + "&limit=10")
        .then(function (r) { return r.json(); })
        .then(function (answer) {
          list.replaceChildren();
          answer.results.forEach(function (r) {
            var value = r.label;
            paths[value] = r.path;
            var option = document.createElement("option");
            option.value = value;
            option.textContent = r.kind_label + (r.match !== r.label ? " · " + r.match : "");
            list.appendChild(option);
          });
        });
    }, 150);
  });
})();
