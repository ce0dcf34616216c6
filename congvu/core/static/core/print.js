// Buttons marked data-print open the browser's print dialog. A static file, because the
// Content-Security-Policy allows no inline script or onclick attribute.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
