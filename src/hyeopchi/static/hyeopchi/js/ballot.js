/* Hyeopchi ballot: a running total against the budget, the count of choices and the points
   used, announced politely to screen readers. Plain JS, no library. The server checks every
   ballot again: this only helps the voter see where they stand before submitting. */
(function () {
  "use strict";

  var UNITS = ["", "만", "억", "조", "경"];

  function group(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  // Same as hyeopchi.core.money.format_won / format_won_en.
  function formatWon(amount, lang) {
    var sign = amount < 0 ? "-" : "";
    var rest = Math.abs(amount);
    if (lang.indexOf("en") === 0) {
      return sign + "₩" + group(rest);
    }
    var groups = [];
    var unit = 0;
    while (rest > 0) {
      var part = rest % 10000;
      rest = Math.floor(rest / 10000);
      if (part) {
        groups.push(group(part) + UNITS[unit]);
      }
      unit += 1;
    }
    if (!groups.length) {
      return "0원";
    }
    if (groups.length === 1 && !/[^\d,]$/.test(groups[0])) {
      return sign + groups[0] + "원";
    }
    return sign + groups.reverse().join(" ") + " 원";
  }

  function fill(template, values) {
    return (template || "").replace(/%\((\w+)\)s/g, function (_, key) {
      return key in values ? values[key] : "";
    });
  }

  function setup(box) {
    var lang = document.documentElement.lang || "ko";
    var design = box.dataset.design;
    var budget = parseInt(box.dataset.budget || "0", 10);
    var maxChoices = parseInt(box.dataset.max || "0", 10);
    var points = parseInt(box.dataset.points || "0", 10);
    var minSpend = parseInt(box.dataset.minSpend || "0", 10);
    var tally = box.querySelector("[data-tally]");
    if (!tally) {
      return;
    }
    var summary = tally.querySelector("[data-tally-summary]");
    var warning = tally.querySelector("[data-tally-warning]");
    var bar = tally.querySelector("[data-tally-bar]");
    var text = tally.dataset;

    function update() {
      var chosen = 0;
      var total = 0;
      var used = 0;
      box.querySelectorAll("[data-cost]").forEach(function (input) {
        var cost = parseInt(input.dataset.cost, 10);
        var item = input.closest(".project");
        var picked = false;
        if (input.type === "checkbox") {
          picked = input.checked;
        } else if (input.type === "number") {
          var value = parseInt(input.value || "0", 10);
          if (value > 0) {
            picked = true;
            used += value;
          }
        } else if (input.tagName === "SELECT") {
          picked = input.value !== "";
        }
        if (picked) {
          chosen += 1;
          total += cost;
        }
        if (item) {
          item.classList.toggle("project-chosen", picked);
        }
      });

      var parts = [];
      var problems = [];
      var tooMany = false;
      if (design === "cumulative") {
        parts.push(fill(text.textPoints, { used: used, points: points }));
        if (used > points) {
          problems.push(fill(text.textPointsOver, { points: points }));
        }
      } else {
        parts.push(fill(text.textCount, { n: chosen }));
        if (maxChoices) {
          parts.push(fill(text.textMax, { k: maxChoices }));
          if (chosen > maxChoices) {
            tooMany = true;
            problems.push(fill(text.textTooMany, { k: maxChoices }));
          }
        }
      }
      if (design !== "cumulative" && design !== "ranking") {
        parts.push(fill(text.textTotal, { total: formatWon(total, lang), budget: formatWon(budget, lang) }));
        if (design === "knapsack") {
          if (total > budget) {
            problems.push(fill(text.textOver, { amount: formatWon(total - budget, lang) }));
          } else {
            parts.push(fill(text.textLeft, { amount: formatWon(budget - total, lang) }));
            if (minSpend && total < minSpend && chosen > 0) {
              problems.push(fill(text.textUnder, { amount: formatWon(minSpend, lang) }));
            }
          }
        }
        if (bar) {
          bar.max = budget;
          bar.value = Math.min(total, budget);
          bar.classList.toggle("over", design === "knapsack" && total > budget);
        }
      }
      summary.textContent = parts.join(" · ");
      warning.textContent = problems.join(" ");
      warning.hidden = problems.length === 0;
      tally.classList.toggle("tally-problem", problems.length > 0 || tooMany);
    }

    box.addEventListener("change", update);
    box.addEventListener("input", update);
    tally.hidden = false;
    update();
  }

  document.querySelectorAll("[data-ballot]").forEach(setup);
})();
