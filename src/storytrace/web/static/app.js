// storytrace: small conveniences only; every page works without scripts.
document.addEventListener("DOMContentLoaded", () => {
  // Changing the "as of" date or the story re-draws the timeline at once.
  for (const el of document.querySelectorAll(".filters input[type=date], .filters select")) {
    el.addEventListener("change", () => el.form.requestSubmit());
  }
  // Keep a linked paragraph in view below the header.
  if (location.hash) document.querySelector(location.hash)?.scrollIntoView({ block: "center" });
});
