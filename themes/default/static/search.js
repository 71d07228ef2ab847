/* Waymark search: progressive enhancement for the search page. Without this script the page
   explains where to find things; with it, the form searches the index that the build wrote
   (search-index.js, loaded before this file). No server, no third-party requests. */
(function () {
  'use strict';

  var MAX_RESULTS = 50;
  var SNIPPET = 180;

  var form = document.querySelector('[data-search-form]');
  var input = document.getElementById('search-input');
  var status = document.getElementById('search-status');
  var list = document.getElementById('search-results');
  var index = window.waymarkSearchIndex;
  if (!form || !input || !status || !list) return;

  // The words come from the page (the site's strings file), in the site's language.
  function say(name, values) {
    var text = form.getAttribute('data-say-' + name) || '';
    return text.replace(/\{([a-z_]+)\}/g, function (whole, key) {
      return values && key in values ? String(values[key]) : whole;
    });
  }

  // A counted phrase has a form for each plural category of the page's language (data-say-
  // results-one, -other, ...); the browser's plural rules choose, and `other` stands in for
  // a form the page lacks. A tag the browser cannot read (such as x-test) uses English rules.
  var plurals = null;
  try {
    var lang = document.documentElement.lang || 'en';
    plurals = new Intl.PluralRules(Intl.PluralRules.supportedLocalesOf([lang]).length ? lang : 'en');
  } catch (e) {
    try { plurals = new Intl.PluralRules('en'); } catch (e2) { plurals = null; }
  }
  function sayCount(name, n, values) {
    var category = plurals ? plurals.select(n) : 'other';
    if (!hasSay(name + '-' + category)) category = 'other';
    return say(name + '-' + category, values);
  }
  function hasSay(name) {
    return form.hasAttribute('data-say-' + name);
  }

  if (!index || !index.pages) {
    status.textContent = say('unavailable');
    return;
  }

  var root = form.getAttribute('data-root') || '';
  var nojs = document.querySelector('[data-search-nojs]');
  if (nojs) nojs.hidden = true;
  form.hidden = false;

  // Lower case, accents removed, words split on anything but letters, digits and dots
  // (so action numbers such as 1.5 stay whole).
  function words(text) {
    return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
      .split(/[^\p{L}\p{N}.]+/u)
      .map(function (w) { return w.replace(/^\.+|\.+$/g, ''); })
      .filter(Boolean);
  }

  var prepared = null;
  function prepare() {
    prepared = index.pages.map(function (p) {
      return { title: ' ' + words(p[0]).join(' ') + ' ', text: ' ' + words(p[3]).join(' ') + ' ' };
    });
  }

  // Every word must start a word in the title or text; title matches and whole phrases
  // rank higher. Ties keep the index's order (plans, areas, actions, then the rest).
  function score(entry, terms) {
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var t = ' ' + terms[i];
      if (entry.title.indexOf(t + ' ') >= 0) total += 15;
      else if (entry.title.indexOf(t) >= 0) total += 10;
      else if (entry.text.indexOf(t + ' ') >= 0) total += 3;
      else if (entry.text.indexOf(t) >= 0) total += 2;
      else return 0;
    }
    if (terms.length > 1) {
      var phrase = ' ' + terms.join(' ');
      if (entry.title.indexOf(phrase) >= 0) total += 20;
      else if (entry.text.indexOf(phrase) >= 0) total += 8;
    }
    return total;
  }

  function search(query) {
    var terms = words(query);
    if (terms.length === 0) return { terms: terms, hits: [] };
    if (!prepared) prepare();
    var hits = [];
    for (var i = 0; i < prepared.length; i++) {
      var s = score(prepared[i], terms);
      if (s > 0) hits.push({ i: i, s: s });
    }
    hits.sort(function (a, b) { return b.s - a.s || a.i - b.i; });
    return { terms: terms, hits: hits };
  }

  // A part of the text around the first matching word.
  function snippet(text, terms) {
    var lower = text.toLowerCase();
    var at = -1;
    for (var i = 0; i < terms.length && at < 0; i++) at = lower.indexOf(terms[i]);
    var start = Math.max(0, at - 40);
    if (start > 0) {
      var space = text.indexOf(' ', start);
      start = space >= 0 && space < at ? space + 1 : start;
    }
    var part = text.slice(start, start + SNIPPET);
    return (start > 0 ? '… ' : '') + part + (start + SNIPPET < text.length ? ' …' : '');
  }

  function href(url) {
    return root + url;
  }

  function render(query) {
    var result = search(query);
    list.textContent = '';
    if (result.terms.length === 0) {
      list.hidden = true;
      status.textContent = query.trim() ? say('type-a-word') : '';
      return;
    }
    var shown = result.hits.slice(0, MAX_RESULTS);
    for (var i = 0; i < shown.length; i++) {
      var page = index.pages[shown[i].i];
      var li = document.createElement('li');
      var title = document.createElement('h2');
      title.className = 'list__title';
      var a = document.createElement('a');
      a.href = href(page[1]);
      a.textContent = page[0];
      title.appendChild(a);
      var kind = document.createElement('p');
      kind.className = 'search__kind';
      kind.textContent = index.kinds[page[2]] || '';
      li.appendChild(title);
      li.appendChild(kind);
      if (page[3]) {
        var text = document.createElement('p');
        text.textContent = snippet(page[3], result.terms);
        li.appendChild(text);
      }
      list.appendChild(li);
    }
    list.hidden = shown.length === 0;
    var n = result.hits.length;
    var q = query.trim();
    if (n === 0) {
      status.textContent = say('none', { query: q });
    } else if (n > shown.length) {
      status.textContent = sayCount('many', n, { n: n, query: q, shown: shown.length });
    } else {
      status.textContent = sayCount('results', n, { n: n, query: q });
    }
  }

  function remember(query) {
    try {
      var url = new URL(window.location.href);
      if (query) url.searchParams.set('q', query);
      else url.searchParams.delete('q');
      window.history.replaceState(null, '', url.href);
    } catch (e) {
      /* Pages opened from disk may refuse; the search still works. */
    }
  }

  var timer = null;
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    window.clearTimeout(timer);
    render(input.value);
    remember(input.value.trim());
  });
  // Searching as the reader types, after a pause, so a screen reader is not interrupted
  // by a new count at every key press.
  input.addEventListener('input', function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { render(input.value); }, 400);
  });

  var initial = new URLSearchParams(window.location.search).get('q');
  if (initial) {
    input.value = initial;
    render(initial);
  }
})();
