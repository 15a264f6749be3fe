// The mapping screen by keyboard: Enter on a list (<select>) of a form marked
// data-enter-submits sends the form with its default button, as Enter in a text box does.
// Browsers submit on Enter only from text boxes; a file, since the CSP allows no inline script.
document.addEventListener("keydown", (event) => {
  const field = event.target;
  if (event.key !== "Enter" || event.altKey || event.ctrlKey || event.metaKey) return;
  if (!(field instanceof HTMLSelectElement) || !field.form) return;
  if (!field.form.hasAttribute("data-enter-submits")) return;
  event.preventDefault();
  field.form.requestSubmit(field.form.querySelector("[data-default-submit]"));
});
