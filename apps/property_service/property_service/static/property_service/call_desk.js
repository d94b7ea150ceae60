// The call-intake desk: Enter opens the first match, and the deadlines of the chosen problem
// (or severity) are fetched from the server as it changes, before anything is saved.
(function () {
  "use strict";

  function showPreview(form) {
    var target = form.querySelector("[data-preview-target]");
    var params = new URLSearchParams();
    params.set("kind", form.dataset.kind);
    ["unit", "category", "priority", "severity"].forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field) { params.set(name, field.value); }
    });
    var sendTo = form.elements.namedItem("send_to");
    fetch(form.dataset.previewUrl + "?" + params.toString(), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        target.innerHTML = html;
        // A choice of "send to" the agent already made survives a new preview if offered.
        var fresh = form.elements.namedItem("send_to");
        if (sendTo && fresh && sendTo.value &&
            Array.prototype.some.call(fresh.options, function (o) { return o.value === sendTo.value; })) {
          fresh.value = sendTo.value;
        }
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    // Where the agent goes next: the first match, else the box or field marked autofocus
    // (focused here too: the theme's scripts may take the focus while the page loads).
    var first = document.querySelector("[data-first-match]");
    var next = first && !document.getElementById("desk-picked") ? first
      : document.querySelector("#call-desk [autofocus]");
    if (next) { next.focus(); }
    document.querySelectorAll("form[data-preview-url]").forEach(function (form) {
      form.querySelectorAll("[data-no-script]").forEach(function (button) { button.hidden = true; });
      form.querySelectorAll("[data-preview]").forEach(function (field) {
        field.addEventListener("change", function () { showPreview(form); });
      });
    });
  });
})();
