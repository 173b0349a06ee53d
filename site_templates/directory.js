/* The mentor directory's filters, on /mentors/.
 *
 * The page arrives with its first cards, the filters' total counts and (for readers without
 * JavaScript) links to every other page of the directory. This script loads the filter index
 * (directory-index.json: one short row per mentor, with option indexes instead of words) and
 * turns it once into one bitset per filter option, so a filter change is a few word-wise ANDs
 * and ORs however many mentors there are. Only the first matches are drawn as cards, a page
 * at a time ("Show more mentors"), from the card <template> the page carries, so the DOM stays
 * small with thousands of mentors. A change draws a screenful of cards before the next frame
 * and the rest of the page in the frame after; a card, once built, is kept for its mentor and
 * reused, and only the cards that differ are moved, so the browser restyles and lays out
 * little more than what is new on screen. Filters combine: OR within a group, AND across
 * groups; the count beside an option is that option within every *other* group's selection,
 * over the whole set. The state lives in the URL query, so a filtered view can be shared and
 * restored; the free text goes in `search`, because Material opens its own search box on `q`.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-mentor-directory]");
  if (!root) return;
  var form = root.querySelector("[data-mentor-form]");
  var panel = root.querySelector("[data-mentor-filters]");
  var searchInput = root.querySelector("[data-mentor-search]");
  var acceptingBox = root.querySelector("[data-mentor-accepting]");
  var acceptingCount = root.querySelector("[data-count-accepting]");
  var status = root.querySelector("[data-mentor-status]");
  var empty = root.querySelector("[data-mentor-empty]");
  var list = root.querySelector("[data-mentor-cards]");
  var moreWrap = root.querySelector("[data-mentor-more-wrap]");
  var moreButton = root.querySelector("[data-mentor-more]");
  var pager = root.querySelector("[data-mentor-pager]");
  var paged = !pager.hidden;  // the directory has more than one page
  var cardTemplate = root.querySelector("[data-mentor-card-template]").content.firstElementChild;
  var badges = root.querySelector("[data-mentor-badges]").content.querySelectorAll(".mentor-badge");
  var avatarTemplate = root.querySelector("[data-mentor-avatar]").content.firstElementChild;
  var siteRoot = root.getAttribute("data-root") || "";
  var pageSize = +root.getAttribute("data-page-size") || 48;
  // Columns of an index row (site/directory.py INDEX_FIELDS).
  var NAME = 0, PRONOUNS = 1, TITLE = 2, EMPLOYER = 3, LOCATION = 4, ACCEPTING = 10, URL = 11,
    IMAGE = 12;
  var COLUMN = { industry: 5, topic: 6, language: 7, format: 8, region: 9 };

  var groups = Array.prototype.slice.call(form.querySelectorAll("fieldset[data-group]")).map(
    function (fieldset) {
      var boxes = Array.prototype.slice.call(fieldset.querySelectorAll("input[type=checkbox]"));
      return {
        key: fieldset.getAttribute("data-group"),
        boxes: boxes,
        values: boxes.map(function (box) { return box.value; }),
        counts: boxes.map(function (box) { return box.parentNode.querySelector("[data-count]"); }),
        bits: null,
        mask: null
      };
    }
  );
  var byKey = {};
  groups.forEach(function (g) { byKey[g.key] = g; });

  var rows = null, total = 0, words = 0;
  var everyone = null, acceptingBits = null, searchBits = null, shown = null;
  var texts = null, lastQuery = "", visible = 0, cursor = 0, drawn = 0;
  // Built cards by mentor (row index), reused across changes; at most CACHE_LIMIT are kept.
  var cards = [], cached = 0, CACHE_LIMIT = 2000;
  // The row of each built card, kept beside the page rather than in it (no attribute to set).
  var rowOf = new WeakMap();
  // Cards drawn before the first frame after a change (a screenful and a row or so more; see
  // measureScreen), and the matches left to draw in the frame after it.
  var firstFrame = 12, later = null, laterFrame = 0;

  function bitset() { return new Uint32Array(words); }
  function setBit(bits, i) { bits[i >>> 5] |= 1 << (i & 31); }
  function popcount(x) {
    x -= (x >>> 1) & 0x55555555;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  function andInto(target, other) {
    for (var w = 0; w < words; w++) target[w] &= other[w];
  }
  function countAnd(a, b) {
    var n = 0;
    for (var w = 0; w < words; w++) n += popcount(a[w] & b[w]);
    return n;
  }
  function count(bits) {
    var n = 0;
    for (var w = 0; w < words; w++) n += popcount(bits[w]);
    return n;
  }
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function fmt(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function setText(node, text) {
    if (node && node.textContent !== text) node.textContent = text;
  }
  function labels(group, indexes) {
    return indexes.map(function (i) { return byKey[group].values[i]; });
  }

  function build(doc) {
    rows = doc.mentors;
    total = rows.length;
    words = (total + 31) >>> 5;
    groups.forEach(function (g) {
      g.bits = g.boxes.map(bitset);
      var column = COLUMN[g.key];
      for (var i = 0; i < total; i++) {
        var value = rows[i][column];
        if (typeof value === "number") {
          if (g.bits[value]) setBit(g.bits[value], i);
        } else {
          for (var k = 0; k < value.length; k++) if (g.bits[value[k]]) setBit(g.bits[value[k]], i);
        }
      }
    });
    everyone = bitset();
    acceptingBits = bitset();
    for (var i = 0; i < total; i++) {
      setBit(everyone, i);
      if (rows[i][ACCEPTING]) setBit(acceptingBits, i);
    }
    searchBits = everyone;
    // The page's own cards are the first mentors, in the index's order: keep them for reuse.
    cards = new Array(total);
    cached = 0;
    Array.prototype.forEach.call(list.children, function (li, i) {
      var link = li.querySelector(".mentor-card__name a");
      if (i < total && link && link.getAttribute("href") === siteRoot + rows[i][URL]) {
        rowOf.set(li, i);
        cards[i] = li;
        cached++;
      }
    });
  }

  function searchText(row) {
    return fold([
      row[NAME], row[PRONOUNS], row[TITLE], row[EMPLOYER], row[LOCATION],
      byKey.industry.values[row[COLUMN.industry]]
    ].concat(labels("topic", row[COLUMN.topic]), labels("language", row[COLUMN.language]))
      .join(" "));
  }

  function searchMask(query) {
    var terms = fold(query).split(/\s+/).filter(Boolean);
    if (!terms.length) return everyone;
    if (!texts) texts = rows.map(searchText);
    var bits = bitset();
    for (var i = 0; i < total; i++) {
      var text = texts[i], ok = true;
      for (var t = 0; t < terms.length && ok; t++) ok = text.indexOf(terms[t]) !== -1;
      if (ok) setBit(bits, i);
    }
    return bits;
  }

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

  function card(row) {
    var li = cardTemplate.cloneNode(true);
    var image = row[IMAGE], img = li.querySelector("img");
    if (typeof image === "string") {
      img.src = siteRoot + image;
    } else {
      // [colour, letters]: the initials avatar, drawn as text (see _card.html).
      var avatar = avatarTemplate.cloneNode(true);
      avatar.style.backgroundColor = image[0];
      avatar.textContent = image[1];
      li.replaceChild(avatar, img);
    }
    var link = li.querySelector(".mentor-card__name a");
    link.href = siteRoot + row[URL];
    link.firstChild.nodeValue = row[NAME];
    var pronouns = link.querySelector(".mentor-pronouns");
    if (row[PRONOUNS]) pronouns.textContent = " (" + row[PRONOUNS] + ")";
    else link.removeChild(pronouns);
    li.querySelector(".mentor-card__role").textContent = row[TITLE] + ", " + row[EMPLOYER];
    li.querySelector(".mentor-card__industry").textContent =
      byKey.industry.values[row[COLUMN.industry]] + " · " + row[LOCATION];
    var topics = li.querySelector(".mentor-card__topics");
    var tag = topics.querySelector(".mentor-tag");
    topics.removeChild(tag);
    labels("topic", row[COLUMN.topic]).forEach(function (topic) {
      var t = tag.cloneNode(false);
      t.textContent = topic;
      topics.appendChild(t);
    });
    li.querySelector(".mentor-card__languages").textContent =
      "Speaks " + labels("language", row[COLUMN.language]).join(", ");
    var badge = li.querySelector(".mentor-badge");
    badge.parentNode.replaceChild(badges[row[ACCEPTING] ? 0 : 1].cloneNode(true), badge);
    return li;
  }

  // The card of mentor `i`: the one built before if any, else a new one, kept for later.
  function cardFor(i) {
    var li = cards[i];
    if (li) return li;
    if (cached >= CACHE_LIMIT) {
      // Forget every card not on screen; they are rebuilt when needed.
      cards = new Array(total);
      cached = 0;
      Array.prototype.forEach.call(list.children, function (child) {
        cards[rowOf.get(child)] = child;
        cached++;
      });
    }
    li = card(rows[i]);
    rowOf.set(li, i);
    cards[i] = li;
    cached++;
    return li;
  }

  // The indexes of up to `n` matches from mentor `from` on; sets `cursor` past the last one.
  function matches(from, n) {
    var out = [], i = from;
    while (i < total && out.length < n) {
      var word = shown[i >>> 5] >>> (i & 31);
      if (word === 0) {
        i = (i | 31) + 1;  // nothing more in this word
        continue;
      }
      if (word & 1) out.push(i);
      i++;
    }
    cursor = i;
    return out;
  }

  // Draws the next page of matches (from the first match when `reset`); returns the first
  // card drawn, or null. Only a screenful (`firstFrame` cards) is drawn at once, so the frame
  // that shows the results comes soon; the rest of the page follows in the next frame, the
  // list being aria-busy meanwhile. On a reset, cards already in the list that still belong
  // stay where they are and only the differences are inserted or removed.
  function draw(reset) {
    if (later) {
      if (reset) cancelLater();
      else drawLater();  // the page before must be complete before the next one follows it
    }
    var wanted = matches(reset ? 0 : cursor, pageSize), first = null;
    var now = wanted.slice(0, firstFrame);
    if (reset) {
      var child = list.firstElementChild;
      for (var k = 0; k < now.length; k++) {
        var li = cardFor(now[k]);
        if (li === child) child = child.nextElementSibling;
        else list.insertBefore(li, child);
      }
      while (child) {
        var next = child.nextElementSibling;
        list.removeChild(child);
        child = next;
      }
      first = list.firstElementChild;
    } else {
      first = append(now);
    }
    drawn = (reset ? 0 : drawn) + wanted.length;
    if (wanted.length > now.length) {
      later = wanted.slice(now.length);
      list.setAttribute("aria-busy", "true");
      // A callback of the next frame: the frame now due shows the first cards alone.
      laterFrame = requestAnimationFrame(function () {
        laterFrame = requestAnimationFrame(drawLater);
      });
    } else {
      list.removeAttribute("aria-busy");
    }
    return first;
  }

  // Appends the cards of mentors `indexes`; returns the first, or null.
  function append(indexes) {
    var fragment = document.createDocumentFragment();
    for (var m = 0; m < indexes.length; m++) fragment.appendChild(cardFor(indexes[m]));
    var first = fragment.firstElementChild;
    list.appendChild(fragment);
    return first;
  }

  function drawLater() {
    cancelLater();
    append(later);
    later = null;
    list.removeAttribute("aria-busy");
  }

  function cancelLater() {
    cancelAnimationFrame(laterFrame);
    laterFrame = 0;
  }

  // How many cards fill the window and more: the list's columns times the rows a window
  // holds, plus one row. Measured when the index loads and after a resize, never during a
  // change, which must not wait for a layout of its own.
  function measureScreen() {
    var card = list.firstElementChild;
    if (!card || !card.offsetHeight) return;
    var columns = getComputedStyle(list).gridTemplateColumns.split(" ").length;
    firstFrame = columns * (Math.ceil(window.innerHeight / card.offsetHeight) + 1);
  }
  var resizing = 0;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(measureScreen, 200);
  }, { passive: true });

  function showMoreButton() {
    var left = visible - drawn;
    moreWrap.hidden = left <= 0;
    setText(moreButton, "Show more mentors (" + fmt(left) + " not shown yet)");
  }

  function active() {
    return !!searchInput.value.trim() || acceptingBox.checked || groups.some(function (g) {
      return g.boxes.some(function (box) { return box.checked; });
    });
  }

  function apply(initial) {
    var query = searchInput.value.trim();
    if (query !== lastQuery) {
      searchBits = searchMask(query);
      lastQuery = query;
    }
    groups.forEach(function (g) { g.mask = groupMask(g); });
    var base = searchBits.slice();
    if (acceptingBox.checked) andInto(base, acceptingBits);
    groups.forEach(function (g) {
      var others = base.slice();
      groups.forEach(function (h) { if (h !== g && h.mask) andInto(others, h.mask); });
      g.bits.forEach(function (bits, o) {
        var n = countAnd(bits, others);
        setText(g.counts[o], "(" + fmt(n) + ")");
        g.boxes[o].parentNode.classList.toggle("mentor-filters__option--none", n === 0);
      });
    });
    shown = base;
    groups.forEach(function (g) { if (g.mask) andInto(shown, g.mask); });
    var withoutAccepting = searchBits.slice();
    groups.forEach(function (g) { if (g.mask) andInto(withoutAccepting, g.mask); });
    setText(acceptingCount, "(" + fmt(countAnd(withoutAccepting, acceptingBits)) + ")");

    visible = count(shown);
    var filtered = active();
    // Unfiltered, the list is the page's own first cards, and the page links lead on (as
    // without JavaScript); filtered, the matches are drawn here, a page at a time.
    if (filtered || !initial) draw(true);
    else list.removeAttribute("aria-busy");
    pager.hidden = filtered || !paged;
    moreWrap.hidden = !filtered;
    if (filtered) showMoreButton();
    setText(status, visible === total
      ? fmt(total) + " mentors"
      : "Showing " + fmt(visible) + " of " + fmt(total) + " mentors");
    empty.hidden = visible !== 0;
    scheduleUrl();
  }

  // history.replaceState takes a few milliseconds, as long as the rest of a change together:
  // the URL is written once the browser is idle, after the frames that show the results.
  var urlPending = false;
  function scheduleUrl() {
    if (urlPending) return;
    urlPending = true;
    var write = function () {
      urlPending = false;
      writeUrl();
    };
    if (window.requestIdleCallback) requestIdleCallback(write, { timeout: 300 });
    else setTimeout(write, 50);
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

  // The index is loaded as soon as the reader reaches for a filter (or arrives with filters in
  // the URL), and on a wide screen also once the page is idle. A phone waits for the tap on
  // "Filters": its slow processor and network then go to the first cards alone.
  var loading = null;
  function loadIndex() {
    if (loading) return loading;
    loading = fetch(root.getAttribute("data-index"))
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (doc) {
        build(doc);
        measureScreen();
        root.setAttribute("data-mentor-ready", "");
        apply(true);
        whenIdle(prepare);
      })
      .catch(function () {
        // Without the index the filters cannot work: fall back to the static pages.
        panel.hidden = true;
        pager.hidden = !paged;
        list.removeAttribute("aria-busy");
        setText(status, "The filters could not load; browse the pages below.");
      });
    return loading;
  }

  // Builds, while the page is idle, the cards of the mentors after the page's own (the
  // likeliest to show next), so the first change finds the card code compiled and some of
  // its cards ready.
  function prepare() {
    for (var i = 0; i < total && i < pageSize + firstFrame; i++) cardFor(i);
  }

  function whenIdle(callback) {
    if (window.requestIdleCallback) requestIdleCallback(callback, { timeout: 3000 });
    else setTimeout(callback, 200);
  }

  function update() {
    if (rows) apply(false);
    else loadIndex();
  }

  var timer = 0;
  searchInput.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 150);
  });
  form.addEventListener("change", function (event) {
    if (event.target !== searchInput) update();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    update();
  });
  form.addEventListener("reset", function (event) {
    // Clear the filters here and apply at once, rather than after the browser's own reset,
    // so the cleared list is drawn in the same frame as the click.
    event.preventDefault();
    clearTimeout(timer);
    searchInput.value = "";
    acceptingBox.checked = false;
    groups.forEach(function (g) {
      g.boxes.forEach(function (box) { box.checked = false; });
    });
    update();
  });
  moreButton.addEventListener("click", function () {
    var first = draw(false);
    showMoreButton();
    // Move on to the first new card, so keyboard and screen-reader users land on it.
    if (first) first.querySelector("a").focus();
  });

  readUrl();
  ["focusin", "pointerdown", "touchstart"].forEach(function (type) {
    panel.addEventListener(type, loadIndex, { passive: true, once: true });
  });
  if (active()) {
    setText(status, "Filtering mentors…");
    list.setAttribute("aria-busy", "true");
    loadIndex();
  } else if (!window.matchMedia || matchMedia("(min-width: 60em)").matches) {
    if (document.readyState === "complete") idle();
    else window.addEventListener("load", idle);
  }
  function idle() { whenIdle(loadIndex); }
})();
