// 2014 statements on the disclosure page: typing a code proposes the "其中" parent (30101 → 301)
// in the same statement, where that line is not itself a "其中" (one level, as printed).
// Progressive enhancement only: the server fills 科目 and the name from the code on save, and
// infers the parent the same way.
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.classList || !input.classList.contains("line-code")) {
    return;
  }
  var row = input.closest("tr");
  var parentInput = row && row.querySelector("input[name$='-parent_ref']");
  var code = input.value.trim();
  if (!parentInput || parentInput.value || code.length <= 3) {
    return;
  }
  var statement = row.querySelector("select[name$='-statement']");
  var wanted = code.slice(0, -2);
  var rows = document.querySelectorAll("tr.form-row");
  for (var i = 0; i < rows.length; i++) {
    var other = rows[i];
    var otherCode = other.querySelector("input.line-code");
    var otherStatement = other.querySelector("select[name$='-statement']");
    var otherParent = other.querySelector("input[name$='-parent_ref']");
    if (
      other !== row && otherCode && otherCode.value.trim() === wanted &&
      (!otherParent || !otherParent.value) &&
      (!statement || !otherStatement || otherStatement.value === statement.value)
    ) {
      parentInput.value = wanted;
      return;
    }
  }
});
