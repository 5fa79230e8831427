// The loads chart of the manager dashboard, drawn with Chart.js (npm package,
// served locally). The data comes from a json_script element; the totals table
// next to it holds the same figures as text.
(function () {
  "use strict";
  function draw() {
    var canvas = document.getElementById("loads-chart");
    var source = document.getElementById("loads-chart-data");
    if (!canvas || !source || typeof Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var existing = Chart.getChart(canvas);
    if (existing) {
      existing.destroy();
    }
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: data.active_label, data: data.active, backgroundColor: "#1d3a6e" },
          { label: data.cap_label, data: data.cap, backgroundColor: "#9aa9c4" },
        ],
      },
      options: { responsive: true, animation: false, scales: { y: { beginAtZero: true } } },
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
