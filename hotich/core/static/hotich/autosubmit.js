// A <select data-autosubmit> sends its form as soon as it changes (language, filters).
// A file, not an inline onchange="": the Content-Security-Policy allows no inline script.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.submit();
  }
});
