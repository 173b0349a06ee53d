/* A mentor page's availability, converted to the visitor's own timezone, and the request
 * link pre-filled with that timezone.
 *
 * Windows are weekly wall-clock times in the mentor's timezone. Each is placed on its real
 * date in the coming week (in the mentor's zone) and converted through the Intl API, so a
 * daylight-saving change in either zone gives the right hour for that week.
 */
// The request link also pre-fills the form's time-zone question with the visitor's IANA zone,
// so a student who comes through the directory never types one. Without JavaScript the link
// still works, with the mentor filled in.
(function () {
  "use strict";

  var link = document.querySelector("[data-mentor-request][data-timezone-entry]");
  if (!link || !window.Intl || !window.URL) return;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var entry = link.getAttribute("data-timezone-entry");
  if (!zone || !entry) return;
  var url = new URL(link.href);
  url.searchParams.set(entry, zone);
  link.href = url.toString();
})();

(function () {
  "use strict";

  var table = document.querySelector("[data-mentor-availability]");
  var dataNode = document.querySelector("[data-mentor-availability-data]");
  if (!table || !dataNode || !window.Intl) return;
  var data = JSON.parse(dataNode.textContent);
  var visitorZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  var mentorZone = data.timezone;

  var partsFormat = new Intl.DateTimeFormat("en-US", {
    timeZone: mentorZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
    hour: "numeric", minute: "numeric", second: "numeric", weekday: "short"
  });
  var WEEKDAYS = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

  function zoneParts(ms) {
    var out = {};
    partsFormat.formatToParts(new Date(ms)).forEach(function (p) { out[p.type] = p.value; });
    return {
      year: +out.year, month: +out.month, day: +out.day, hour: +out.hour % 24,
      minute: +out.minute, second: +out.second, weekday: WEEKDAYS[out.weekday]
    };
  }
  // Minutes the mentor's zone is ahead of UTC at the instant `ms`.
  function offsetAt(ms) {
    var p = zoneParts(ms);
    var asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
  }
  // The instant at which the mentor's wall clock shows `minutes` after midnight of a date.
  function zonedInstant(year, month, day, minutes) {
    var wall = Date.UTC(year, month - 1, day, 0, minutes);
    var guess = wall - offsetAt(wall) * 60000;
    var corrected = wall - offsetAt(guess) * 60000;
    return corrected;
  }

  var now = Date.now();
  var today = zoneParts(now);
  var dayFormat = new Intl.DateTimeFormat(undefined, {
    timeZone: visitorZone, weekday: "long", day: "numeric", month: "short"
  });
  var timeFormat = new Intl.DateTimeFormat(undefined, {
    timeZone: visitorZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23"
  });
  var dateKey = new Intl.DateTimeFormat("en-CA", {
    timeZone: visitorZone, year: "numeric", month: "2-digit", day: "2-digit"
  });

  // The window's next occurrence that has not ended yet, as [start, end] instants.
  function occurrence(window_) {
    var ahead = (window_.day - today.weekday + 7) % 7;
    for (var week = 0; week < 2; week++) {
      var date = new Date(Date.UTC(today.year, today.month - 1, today.day + ahead + 7 * week));
      var y = date.getUTCFullYear(), m = date.getUTCMonth() + 1, d = date.getUTCDate();
      var end = zonedInstant(y, m, d, window_.end);
      if (end > now || week === 1) return [new Date(zonedInstant(y, m, d, window_.start)), new Date(end)];
    }
  }

  function describe(window_) {
    var times = occurrence(window_);
    var start = times[0], end = times[1];
    var text = dayFormat.format(start) + ", " + timeFormat.format(start) + "–";
    if (dateKey.format(start) !== dateKey.format(end)) text += dayFormat.format(end) + ", ";
    return text + timeFormat.format(end);
  }

  var headRow = table.querySelector("thead tr");
  var th = document.createElement("th");
  th.scope = "col";
  th.textContent = "Your time (" + visitorZone + ")";
  headRow.appendChild(th);
  var rows = table.querySelectorAll("tbody tr");
  data.windows.forEach(function (w, i) {
    var td = document.createElement("td");
    td.textContent = describe(w);
    if (rows[i]) rows[i].appendChild(td);
  });
  var note = document.querySelector("[data-mentor-tz-note]");
  if (note) {
    note.textContent = "Your times are for the coming week, in your browser's timezone (" +
      visitorZone + ").";
  }
})();
