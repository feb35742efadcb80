// Priority vote: count the chosen agendas as the resident ticks them (announced politely
// to screen readers); the server checks the limit again, so this is only a help.
(function () {
  "use strict";
  var form = document.getElementById("priority-vote");
  if (!form) return;
  var limit = parseInt(form.getAttribute("data-limit"), 10);
  var shown = form.querySelector("[data-chosen]");
  var warning = form.querySelector("[data-too-many]");
  function update() {
    var boxes = form.querySelectorAll('input[name="agendas"]');
    var chosen = 0;
    boxes.forEach(function (box) {
      var item = box.closest(".project");
      if (item) item.classList.toggle("project-chosen", box.checked);
      if (box.checked) chosen += 1;
    });
    if (shown) shown.textContent = String(chosen);
    if (warning) warning.hidden = !(limit && chosen > limit);
  }
  form.addEventListener("change", update);
  update();
  var errors = document.getElementById("vote-errors");
  if (errors) errors.focus();
})();
