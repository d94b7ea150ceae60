// The theme's scrolled areas (SimpleBar) are announced to screen readers as "scrollable
// content": this says it in the page's language. The label comes translated in this script's
// own address (core.theme.scroll_label_script); SimpleBar, loaded later in the page, starts on
// DOMContentLoaded after this listener.
(function () {
  var label = new URL(document.currentScript.src).searchParams.get("label");
  document.addEventListener("DOMContentLoaded", function () {
    if (label && window.SimpleBar) {
      window.SimpleBar.defaultOptions.ariaLabel = label;
    }
  });
})();
