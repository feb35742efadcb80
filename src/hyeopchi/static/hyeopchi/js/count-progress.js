/* A count's progress bar, refreshed every second from the server while the count runs;
   the page reloads when the count has finished so its result shows. */
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box) {
    return;
  }
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-progress-text]");
  var url = box.dataset.progressUrl;

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) {
          window.setTimeout(poll, 2000);
          return;
        }
        if (data.total) {
          bar.max = data.total;
          bar.value = data.done;
        }
        label.textContent = data.text;
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 2000);
      });
  }
  window.setTimeout(poll, 1000);
})();
