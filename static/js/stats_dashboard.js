// The charts of the statistics dashboard, drawn with Chart.js (npm package,
// served locally). Each canvas names the json_script element holding its
// data; the table that follows the canvas holds the same figures as text.
// Redrawn after each htmx swap (a change of period or filter).
(function () {
  "use strict";
  var COLOURS = ["#1d3a6e", "#9aa9c4", "#b34e00", "#2e7d32"];
  function draw() {
    if (typeof Chart === "undefined") {
      return;
    }
    document.querySelectorAll("canvas.stats-chart").forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.source);
      if (!source) {
        return;
      }
      var data = JSON.parse(source.textContent);
      var existing = Chart.getChart(canvas);
      if (existing) {
        existing.destroy();
      }
      new Chart(canvas, {
        type: data.type,
        data: {
          labels: data.labels,
          datasets: data.datasets.map(function (dataset, index) {
            return {
              label: dataset.label,
              data: dataset.data,
              backgroundColor: COLOURS[index % COLOURS.length],
              borderColor: COLOURS[index % COLOURS.length],
            };
          }),
        },
        options: { responsive: true, animation: false, scales: { y: { beginAtZero: true } } },
      });
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
