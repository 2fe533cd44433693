/* Charts of the analysis pages, drawn with Apache ECharts (served locally from npm).
   Each <div class="chart" data-chart="ID"> is drawn from <script type="application/json"
   id="ID">{kind, title, labels, values, cutoffs?}</script>; kinds: "hbar", "histogram". */
(function () {
  "use strict";
  if (!window.echarts) { return; }
  var BAR = "#3B6FB6", CUT = "#B42318";

  function hbar(spec) {
    return {
      title: { text: spec.title, textStyle: { fontSize: 14 } },
      grid: { left: 8, right: 40, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "value", max: spec.max || null, min: spec.min || 0 },
      yAxis: { type: "category", data: spec.labels.slice().reverse(),
               axisLabel: { width: 160, overflow: "truncate" } },
      tooltip: { trigger: "axis" },
      series: [{ type: "bar", data: spec.values.slice().reverse(), itemStyle: { color: BAR },
                 label: { show: true, position: "right" } }]
    };
  }

  function histogram(spec) {
    var cutoffs = spec.cutoffs || [];
    var lines = cutoffs.map(function (c) {
      return { xAxis: c.bin, name: c.award, label: { show: false }, lineStyle: { color: CUT } };
    });
    return {
      title: { text: spec.title, textStyle: { fontSize: 14 },
               subtext: cutoffs.map(function (c) { return c.award + " ≥" + c.total; }).join("　"),
               subtextStyle: { color: CUT } },
      grid: { left: 8, right: 24, top: 60, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: spec.labels },
      yAxis: { type: "value", minInterval: 1 },
      tooltip: { trigger: "axis" },
      series: [{ type: "bar", data: spec.values, itemStyle: { color: BAR },
                 markLine: { symbol: "none", data: lines } }]
    };
  }

  function progress(spec) {
    return {
      title: { text: spec.title, textStyle: { fontSize: 14 } },
      legend: { bottom: 0, data: [spec.bars, spec.line] },
      grid: { left: 8, right: 8, top: 40, bottom: 36, containLabel: true },
      xAxis: { type: "category", data: spec.days },
      yAxis: [{ type: "value", minInterval: 1 },
              { type: "value", minInterval: 1, max: spec.heats || null }],
      tooltip: { trigger: "axis" },
      series: [{ name: spec.bars, type: "bar", data: spec.marks, itemStyle: { color: BAR } },
               { name: spec.line, type: "line", yAxisIndex: 1, data: spec.signed_off, itemStyle: { color: CUT } }]
    };
  }

  var kinds = { hbar: hbar, histogram: histogram, progress: progress };
  document.querySelectorAll("div.chart[data-chart]").forEach(function (div) {
    var source = document.getElementById(div.getAttribute("data-chart"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var chart = window.echarts.init(div, null, { renderer: "svg" });
    chart.setOption(kinds[spec.kind](spec));
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
