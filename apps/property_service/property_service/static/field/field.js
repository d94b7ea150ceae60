// The field app's behaviour (a static file: the page's policy forbids inline scripts).
(() => {
  "use strict";

  // Tap-to-call: the number stays masked until tapped; the tap asks the server, which logs
  // the reveal, then the number becomes a tel: link.
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches("form[data-reveal]")) return;
    event.preventDefault();
    const response = await fetch(form.action, {
      method: "POST",
      headers: {"Accept": "application/json",
                "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value},
      credentials: "same-origin",
    });
    const data = await response.json().catch(() => ({}));
    const cell = form.parentElement;
    if (!response.ok) {
      const note = document.createElement("span");
      note.className = "late";
      note.textContent = data.detail || response.statusText;
      cell.replaceChildren(note);
      return;
    }
    const link = document.createElement("a");
    link.className = "button tel";
    link.href = data.tel;
    link.textContent = "☎ " + data.phone;
    link.dataset.tel = "";
    cell.replaceChildren(link);
  });

  // Photos from a phone's camera are large: before they go over a weak connection, those over
  // MAX_BYTES are scaled down to MAX_SIDE pixels as JPEG (the server checks them all the same).
  const MAX_BYTES = 1024 * 1024;
  const MAX_SIDE = 1600;

  async function smaller(file) {
    if (file.size <= MAX_BYTES || !file.type.startsWith("image/")) return file;
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.8));
    if (!blob || blob.size >= file.size) return file;
    return new File([blob], file.name.replace(/\.[^.]*$/, "") + ".jpg", {type: "image/jpeg"});
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches("form[data-downscale]")) return;
    const input = form.querySelector("input[type=file]");
    if (!input.files.length || !window.DataTransfer || !window.createImageBitmap) return;
    event.preventDefault();
    try {
      const files = new DataTransfer();
      for (const file of input.files) files.items.add(await smaller(file));
      input.files = files.files;
    } finally {
      form.submit();
    }
  });

  // The resident's signature: drawn with a finger (or the mouse) on the canvas, sent as a
  // PNG data URL in the form's hidden field.
  const pad = document.querySelector("canvas[data-signature-pad]");
  if (!pad) return;
  const form = pad.closest("form");
  const field = form.querySelector("input[name=signature]");
  const submit = form.querySelector("[data-signature-submit]");
  const context = pad.getContext("2d");
  let drawing = false;
  let drawn = false;

  function fit() {
    const ratio = Math.min(window.devicePixelRatio || 1, 2);
    pad.width = Math.round(pad.clientWidth * ratio);
    pad.height = Math.round(pad.clientHeight * ratio);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.lineWidth = 2.5;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#111827";
    drawn = false;
    submit.disabled = true;
  }

  function point(event) {
    const box = pad.getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top];
  }

  pad.addEventListener("pointerdown", (event) => {
    drawing = true;
    pad.setPointerCapture(event.pointerId);
    context.beginPath();
    context.moveTo(...point(event));
    event.preventDefault();
  });
  pad.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    context.lineTo(...point(event));
    context.stroke();
    drawn = true;
    submit.disabled = false;
    event.preventDefault();
  });
  const stop = () => { drawing = false; };
  pad.addEventListener("pointerup", stop);
  pad.addEventListener("pointercancel", stop);
  form.querySelector("[data-signature-clear]").addEventListener("click", fit);
  form.addEventListener("submit", (event) => {
    const portal = event.submitter && event.submitter.name === "accept_in_portal";
    field.value = !portal && drawn ? pad.toDataURL("image/png") : "";
  });
  fit();
})();
