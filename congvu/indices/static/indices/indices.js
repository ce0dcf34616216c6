// The print view's button: a script file, since the Content-Security-Policy allows no inline script.
document.addEventListener("click", function (event) {
  if (event.target instanceof Element && event.target.closest(".js-print")) {
    window.print();
  }
});
