// Selecting a highlighted passage (click, Enter or Space) shows the claims it holds in the
// detail panel; Escape clears it; #clm_... in the address selects that claim on arrival.
(function () {
  var panel = document.getElementById("detail");
  if (!panel) return;
  var empty = document.getElementById("detail-empty");
  var current = null;
  function show(mark, focusPanel) {
    document.querySelectorAll("mark.selected").forEach(function (m) { m.classList.remove("selected"); m.setAttribute("aria-expanded", "false"); });
    current = mark;
    var ids = mark ? mark.getAttribute("data-claims").split(" ") : [];
    panel.querySelectorAll(".claim").forEach(function (d) { d.hidden = ids.indexOf(d.getAttribute("data-claim")) < 0; });
    empty.hidden = ids.length > 0;
    if (mark) {
      // every passage of the same claims, not only the one clicked
      document.querySelectorAll("mark[data-claims]").forEach(function (m) {
        if (m.getAttribute("data-claims") === mark.getAttribute("data-claims")) { m.classList.add("selected"); m.setAttribute("aria-expanded", "true"); }
      });
    }
    if (focusPanel) panel.focus();
    // on a phone the panel sits below the article: bring it into view
    if (mark && window.matchMedia("(max-width: 760px)").matches) panel.scrollIntoView({block: "start"});
  }
  document.querySelectorAll("mark[data-claims]").forEach(function (m) {
    m.addEventListener("click", function () { show(m, false); });
    m.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); show(m, true); }
    });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && current) { var m = current; show(null, false); m.focus(); }
  });
  function fromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var mark = document.querySelector('mark[data-claims~="' + id.replace(/[^a-z0-9_]/g, "") + '"]');
    if (mark) { show(mark, false); mark.scrollIntoView({block: "center"}); }
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
