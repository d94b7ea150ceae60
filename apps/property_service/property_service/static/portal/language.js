// Choosing a language submits its form (no inline handler: the page's policy forbids them).
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-submit-on-change]")) event.target.form.submit();
});
