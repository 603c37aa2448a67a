// The submit form of a disclosure with errors asks before it posts (data-confirm, set by the
// change page when reconciliation finds errors). An external file: the CSP allows no inline script.
document.addEventListener("submit", function (event) {
  var text = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (text && !window.confirm(text)) {
    event.preventDefault();
  }
});
