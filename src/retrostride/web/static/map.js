/* retrostride: the session map (Leaflet from this origin). No tiles unless the server opts in. */
(function () {
  "use strict";
  var box = document.getElementById("map");
  var source = document.getElementById("map-data");
  if (!box || !source || !window.L) { return; }
  var data = JSON.parse(source.textContent);
  var points = [];
  data.lines.forEach(function (line) { points = points.concat(line.points); });
  if (!points.length) { return; }
  box.hidden = false;
  var fallback = document.getElementById("track-fallback");
  if (fallback) { fallback.hidden = true; }
  var map = L.map(box, { attributionControl: !!data.tiles, zoomSnap: 0.25 });
  if (data.tiles) {
    L.tileLayer(data.tiles.url, { attribution: data.tiles.attribution, maxZoom: 19 }).addTo(map);
  }
  data.lines.forEach(function (line) {
    L.polyline(line.points, { color: line.colour, weight: 4, opacity: 0.9 })
      .bindTooltip(line.direction, { sticky: true }).addTo(map);
  });
  var first = data.lines[0].points[0];
  var lastLine = data.lines[data.lines.length - 1].points;
  L.circleMarker(first, { radius: 7, color: "#0a7d32", fillColor: "#0a7d32", fillOpacity: 1 })
    .bindTooltip("start").addTo(map);
  L.circleMarker(lastLine[lastLine.length - 1], { radius: 7, color: "#b00020", fillColor: "#b00020", fillOpacity: 1 })
    .bindTooltip("finish").addTo(map);
  map.fitBounds(L.latLngBounds(points), { padding: [16, 16] });
})();
