/* The mentor directory's filters.
 *
 * Every card is already in the page (the no-JavaScript view is the full list); this script
 * only hides cards. Each card carries precomputed option indexes per filter group
 * (data-industry="3", data-topic="0 5", ...), turned once into one bitset per option, so a
 * filter change is a few word-wise ANDs and ORs however many mentors there are, and cards are
 * touched only when their visibility changes. Filters combine: OR within a group, AND across
 * groups. The state lives in the URL query, so a filtered view can be shared and restored;
 * the free text goes in `search`, because Material opens its own search box on `q`.
 */
(function () {
  "use strict";

  var root = document.querySelector(".mentor-directory");
  if (!root) return;
  var form = root.querySelector("[data-mentor-form]");
  var panel = root.querySelector("[data-mentor-filters]");
  var cards = Array.prototype.slice.call(root.querySelectorAll(".mentor-card"));
  var searchInput = root.querySelector("[data-mentor-search]");
  var acceptingBox = root.querySelector("[data-mentor-accepting]");
  var acceptingCount = root.querySelector("[data-count-accepting]");
  var status = root.querySelector("[data-mentor-status]");
  var empty = root.querySelector("[data-mentor-empty]");
  var total = cards.length;
  var words = (total + 31) >>> 5;

  function bitset() { return new Uint32Array(words); }
  function setBit(bits, i) { bits[i >>> 5] |= 1 << (i & 31); }
  function hasBit(bits, i) { return (bits[i >>> 5] & (1 << (i & 31))) !== 0; }
  function popcount(x) {
    x -= (x >>> 1) & 0x55555555;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  function all() {
    var bits = bitset();
    for (var i = 0; i < total; i++) setBit(bits, i);
    return bits;
  }
  function andInto(target, other) {
    for (var w = 0; w < words; w++) target[w] &= other[w];
  }
  function countAnd(a, b) {
    var n = 0;
    for (var w = 0; w < words; w++) n += popcount(a[w] & b[w]);
    return n;
  }
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // Build the bitsets once.
  var groups = Array.prototype.slice.call(form.querySelectorAll("fieldset[data-group]")).map(
    function (fieldset) {
      var key = fieldset.getAttribute("data-group");
      var boxes = Array.prototype.slice.call(fieldset.querySelectorAll("input[type=checkbox]"));
      var bits = boxes.map(bitset);
      var counts = boxes.map(function (box) {
        return box.parentNode.querySelector("[data-count]");
      });
      cards.forEach(function (card, i) {
        var value = card.getAttribute("data-" + key);
        if (!value) return;
        value.split(" ").forEach(function (index) {
          if (bits[+index]) setBit(bits[+index], i);
        });
      });
      return { key: key, boxes: boxes, bits: bits, counts: counts, mask: null };
    }
  );
  var acceptingBits = bitset();
  var texts = cards.map(function (card, i) {
    if (card.getAttribute("data-accepting") === "1") setBit(acceptingBits, i);
    return fold(card.textContent.replace(/\s+/g, " "));
  });
  var everyone = all();
  var searchBits = everyone;
  var lastQuery = "";

  function groupMask(group) {
    var mask = null;
    group.boxes.forEach(function (box, o) {
      if (!box.checked) return;
      if (!mask) mask = bitset();
      var bits = group.bits[o];
      for (var w = 0; w < words; w++) mask[w] |= bits[w];
    });
    return mask;
  }

  function searchMask(query) {
    var terms = fold(query).split(/\s+/).filter(Boolean);
    if (!terms.length) return everyone;
    var bits = bitset();
    for (var i = 0; i < total; i++) {
      var text = texts[i];
      var ok = true;
      for (var t = 0; t < terms.length && ok; t++) ok = text.indexOf(terms[t]) !== -1;
      if (ok) setBit(bits, i);
    }
    return bits;
  }

  function setText(node, text) {
    if (node && node.textContent !== text) node.textContent = text;
  }

  function apply() {
    var query = searchInput.value.trim();
    if (query !== lastQuery) {
      searchBits = searchMask(query);
      lastQuery = query;
    }
    groups.forEach(function (g) { g.mask = groupMask(g); });
    // base: what every count starts from (search and accepting-only).
    var base = searchBits.slice();
    if (acceptingBox.checked) andInto(base, acceptingBits);
    // Counts beside each option: that option within every *other* group's selection.
    groups.forEach(function (g) {
      var others = base.slice();
      groups.forEach(function (h) { if (h !== g && h.mask) andInto(others, h.mask); });
      g.bits.forEach(function (bits, o) {
        var n = countAnd(bits, others);
        setText(g.counts[o], "(" + n + ")");
        g.boxes[o].parentNode.classList.toggle("mentor-filters__option--none", n === 0);
      });
    });
    var shown = base;
    groups.forEach(function (g) { if (g.mask) andInto(shown, g.mask); });
    var withoutAccepting = searchBits.slice();
    groups.forEach(function (g) { if (g.mask) andInto(withoutAccepting, g.mask); });
    setText(acceptingCount, "(" + countAnd(withoutAccepting, acceptingBits) + ")");

    var visible = 0;
    for (var i = 0; i < total; i++) {
      var show = hasBit(shown, i);
      if (show) visible++;
      if (cards[i].hidden === show) cards[i].hidden = !show;
    }
    setText(status, visible === total
      ? total + " mentors"
      : "Showing " + visible + " of " + total + " mentors");
    empty.hidden = visible !== 0;
    writeUrl();
  }

  function writeUrl() {
    var params = new URLSearchParams();
    if (searchInput.value.trim()) params.set("search", searchInput.value.trim());
    if (acceptingBox.checked) params.set("accepting", "1");
    groups.forEach(function (g) {
      g.boxes.forEach(function (box) { if (box.checked) params.append(g.key, box.value); });
    });
    var query = params.toString();
    var url = location.pathname + (query ? "?" + query : "") + location.hash;
    if (url !== location.pathname + location.search + location.hash) {
      history.replaceState(history.state, "", url);
    }
  }

  function readUrl() {
    var params = new URLSearchParams(location.search);
    searchInput.value = params.get("search") || "";
    acceptingBox.checked = params.get("accepting") === "1";
    groups.forEach(function (g) {
      var wanted = params.getAll(g.key);
      g.boxes.forEach(function (box) { box.checked = wanted.indexOf(box.value) !== -1; });
    });
  }

  var timer = 0;
  searchInput.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(apply, 150);
  });
  form.addEventListener("change", function (event) {
    if (event.target !== searchInput) apply();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    apply();
  });
  form.addEventListener("reset", function () {
    // The reset has not happened yet when this fires; apply once it has.
    setTimeout(apply, 0);
  });

  readUrl();
  panel.hidden = false;
  // On a phone the filters start folded so the mentors come first.
  if (window.matchMedia && window.matchMedia("(max-width: 59.9375em)").matches) {
    panel.open = false;
  }
  apply();
})();
