// The work-order add form: picking the resident fills in the unit they live in and its
// community; picking a unit fills in its community. Nothing is changed on a saved order's page.
(function () {
  "use strict";

  function place(query, done) {
    var url = new URL("../place/", window.location.href);
    Object.keys(query).forEach(function (key) { url.searchParams.set(key, query[key]); });
    fetch(url.toString(), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (found) { if (found) { done(found); } });
  }

  function setCommunity(id) {
    var community = document.getElementById("id_community");
    if (community && id && community.value !== String(id)) {
      community.value = String(id);
      community.dispatchEvent(new Event("change", {bubbles: true}));
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var $ = window.django && window.django.jQuery;
    var unit = document.getElementById("id_unit");
    var resident = document.getElementById("id_resident");
    if (!$ || !unit || !resident || !/\/add\/$/.test(window.location.pathname)) { return; }

    $(unit).on("change", function () {
      if (unit.value) { place({unit: unit.value}, function (found) { setCommunity(found.community); }); }
    });
    $(resident).on("change", function () {
      if (!resident.value) { return; }
      place({resident: resident.value}, function (found) {
        if (!found.unit) { return; }
        if (!unit.value) {
          var option = new Option(found.unit.text, found.unit.id, true, true);
          $(unit).append(option).trigger("change");
        }
        setCommunity(found.community);
      });
    });
  });
})();
