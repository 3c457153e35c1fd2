/* fm-governance assessment mode: answer checklist items on the page, import and export
 * fm-governance.yaml, with no server.
 *
 * Why it is built this way:
 * - The page's data (every loaded checklist's items, the blank template of `fm-governance
 *   template`) is one <script type="application/json" id="fmg-form-data"> written by the Sphinx
 *   extension; nothing is fetched.
 * - Work is kept in localStorage, one entry per handbook project, so every checklist page of a
 *   handbook is a view of one assessment. Nothing leaves the machine except through "Export YAML".
 * - Export edits text in place: the imported file (or, for a fresh export, the template text) is
 *   parsed with the yaml library only to find where each value stands, and only the values the
 *   person changed are replaced there. Comments, key order, quoting, unknown keys, inventory and
 *   retired answers keep their bytes, so the diff is the answers and nothing else.
 * - Scoring mirrors fm_governance/core/scoring.py rule for rule (yes 1, partial 1/2, no and
 *   unanswered 0, n/a excluded only with notes, weights critical 4 high 3 medium 2 low 1, a
 *   waiver counts as met through its expiry date, applies_to against context.modes, Python's
 *   round to one decimal); tests/test_form_browser.py holds the two to the same numbers.
 * - The automation contract (docs/reference/extension.md): each item is a fieldset with
 *   data-fmg-item="<ID>" and controls named <ID>.answer, <ID>.notes, <ID>.evidence,
 *   <ID>.waiver.reason, <ID>.waiver.approved_by, <ID>.waiver.expires; a button "Export YAML"; a
 *   file input labelled "Import assessment".
 */
(function () {
  "use strict";

  var holder = document.getElementById("fmg-form-data");
  if (!holder) return;
  var DATA = JSON.parse(holder.textContent);
  if (DATA.version !== 1) return;
  var Y = window.fmgYAML;

  var ANSWERS = ["yes", "partial", "no", "n/a"];
  var ANSWER_LABELS = { yes: "Yes", partial: "Partial", no: "No", "n/a": "Not applicable (n/a)" };
  var WEIGHTS = { critical: 4, high: 3, medium: 2, low: 1 };
  var SEVERITIES = ["critical", "high", "medium", "low"];
  var MAX_BYTES = 8 * 1024 * 1024; // as core/yamlio.py MAX_BYTES
  var STORE = "fmg-assessment:" + DATA.project;

  // --- the catalog -------------------------------------------------------------------------
  var ITEMS = {}; // id -> {id, severity, owner, appliesTo, anchor, checklist}
  var CHECKLISTS = {}; // id -> {id, title, version, items: [ids]}
  var ORDER = [];
  DATA.checklists.forEach(function (c) {
    var ids = [];
    c.items.forEach(function (row) {
      ITEMS[row[0]] = { id: row[0], severity: row[1], owner: row[2], appliesTo: row[3], anchor: row[4], checklist: c.id };
      ids.push(row[0]);
    });
    CHECKLISTS[c.id] = { id: c.id, title: c.title, version: c.version, items: ids };
    ORDER.push(c.id);
  });

  // --- errors with a place -------------------------------------------------------------------
  function FormError(message, line, column) {
    this.message = message;
    this.line = line || 0;
    this.column = column || 0;
  }

  function position(text, offset) {
    var line = 1, start = 0;
    for (var i = 0; i < offset && i < text.length; i++) {
      if (text.charCodeAt(i) === 10) { line++; start = i + 1; }
    }
    return [line, offset - start + 1];
  }

  function errorAt(text, node, message) {
    var where = node && node.range ? position(text, node.range[0]) : [0, 0];
    return new FormError(message, where[0], where[1]);
  }

  // --- reading an assessment (the rules of core/assessment.read_assessment) ----------------------
  var SPACE = /^[ \t\r\n]+|[ \t\r\n]+$/g;

  function parseAnswer(value) {
    if (value === null || value === undefined) return null;
    if (value === true) return "yes";
    if (value === false) return "no";
    if (typeof value !== "string") return undefined;
    var word = value.replace(SPACE, "").toLowerCase();
    return ANSWERS.indexOf(word) >= 0 ? word : undefined;
  }

  function parseDoc(text) {
    var doc = Y.parseDocument(text, { uniqueKeys: true, prettyErrors: true, merge: false });
    if (doc.errors.length) {
      var e = doc.errors[0];
      var pos = e.linePos && e.linePos[0] ? [e.linePos[0].line, e.linePos[0].col] : [0, 0];
      throw new FormError("this is not valid YAML: " + e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, ""), pos[0], pos[1]);
    }
    return doc;
  }

  function mapEntries(node) {
    return Y.isMap(node) ? node.items : [];
  }

  function keyOf(pair) {
    return Y.isScalar(pair.key) ? pair.key.value : pair.key;
  }

  /* Read `text` as an assessment: {doc, responses: {ID: response}, present: {checklist: true},
   * modes}. Throws FormError (located) for anything `fm-governance check` refuses that matters here. */
  function readAssessment(text) {
    if (text.length > MAX_BYTES) throw new FormError("the file is larger than 8 MiB, the limit of every fm-governance reader", 0, 0);
    var doc = parseDoc(text);
    var root = doc.contents;
    refuseTags(text, root);
    var section = Y.isMap(root) ? root.get("checklists", true) : null;
    if (!Y.isMap(root) || section === undefined) {
      throw errorAt(text, root, "this is not an fm-governance assessment (it has no `checklists:` mapping) — import a file written by `fm-governance template` or `assess`");
    }
    if (!Y.isMap(section)) throw errorAt(text, section, "`checklists` must be a mapping of checklist ids to their items");
    var responses = {}, present = {};
    mapEntries(section).forEach(function (pair) {
      var cid = keyOf(pair);
      var checklist = CHECKLISTS[cid];
      if (!checklist) {
        throw errorAt(text, pair.key, "unknown checklist '" + cid + "' — this handbook knows: " + ORDER.join(", "));
      }
      present[cid] = true;
      var body = pair.value;
      if (body !== null && !Y.isMap(body)) throw errorAt(text, body, "checklist '" + cid + "' must be a mapping with `items:`");
      var items = Y.isMap(body) ? body.get("items", true) : null;
      if (items === undefined || (items !== null && !Y.isMap(items) && !(Y.isScalar(items) && items.value === null))) {
        throw errorAt(text, items || pair.key, "checklist '" + cid + "' needs an `items:` mapping");
      }
      mapEntries(items).forEach(function (entry) {
        var iid = keyOf(entry);
        if (checklist.items.indexOf(iid) < 0) {
          throw errorAt(text, entry.key, "unknown item '" + iid + "' in checklist '" + cid + "' " + checklist.version + " — check the id, or run `fm-governance assess` to move items that left the checklist to `retired`");
        }
        responses[iid] = readResponse(text, iid, entry.value);
      });
    });
    var modes = [];
    var context = root.get("context", true);
    var modeNode = Y.isMap(context) ? context.get("modes", true) : null;
    if (Y.isSeq(modeNode)) modes = modeNode.items.map(function (m) { return Y.isScalar(m) ? String(m.value) : ""; });
    return { doc: doc, responses: responses, present: present, modes: modes };
  }

  /* As core/yamlio.py: no explicit tags (a value means one thing to every reader) and no merge
   * keys. An alias (*name) is a node that is neither scalar nor collection. */
  function refuseTags(text, node) {
    if (!node || !(Y.isMap(node) || Y.isSeq(node) || Y.isScalar(node))) return;
    if (node.tag) throw tagError(text, node, "YAML tag '" + node.tag.replace(/^tag:yaml.org,2002:/, "!!") + "' is not allowed — remove the tag: fm-governance files hold plain data; quote a value to keep it as text");
    if (Y.isScalar(node)) return;
    node.items.forEach(function (entry) {
      if (Y.isPair(entry)) {
        if (Y.isScalar(entry.key) && entry.key.value === "<<" && !entry.key.type.startsWith("QUOTE")) throw errorAt(text, entry.key, "the merge key '<<' is not allowed — write the keys out");
        refuseTags(text, entry.key);
        refuseTags(text, entry.value);
      } else refuseTags(text, entry);
    });
  }

  /* Located at the tag itself (the word before the value), as core/yamlio.py locates it. */
  function tagError(text, node, message) {
    var end = node.range[0];
    while (end > 0 && /\s/.test(text.charAt(end - 1))) end--;
    var start = end;
    while (start > 0 && !/\s/.test(text.charAt(start - 1))) start--;
    var at = text.charAt(start) === "!" ? start : node.range[0];
    var where = position(text, at);
    return new FormError(message, where[0], where[1]);
  }

  function isAlias(node) {
    return !!node && !(Y.isMap(node) || Y.isSeq(node) || Y.isScalar(node));
  }

  function scalarText(node) {
    if (node === null || node === undefined) return null;
    if (Y.isScalar(node)) return node.value === null ? null : node.value;
    return undefined;
  }

  function readResponse(text, iid, node) {
    var out = blank();
    if (node === null || (Y.isScalar(node) && node.value === null)) return out;
    if (isAlias(node)) throw errorAt(text, node, iid + " is written as an alias of another item (*" + node.source + "); run `fm-governance assess` on the file once, which writes it out, then import it");
    if (!Y.isMap(node)) throw errorAt(text, node, iid + ": expected a mapping with answer, notes, evidence and waiver");
    var answerNode = node.get("answer", true);
    var answer = parseAnswer(scalarText(answerNode));
    if (answer === undefined) throw errorAt(text, answerNode, iid + ": answer yes, partial, no or n/a (in any case), or leave it null while unanswered");
    out.answer = answer;
    var notes = scalarText(node.get("notes", true));
    if (notes === undefined || (notes !== null && typeof notes !== "string")) throw errorAt(text, node.get("notes", true), iid + ": notes must be text");
    out.notes = notes === null ? "" : notes;
    var ev = node.get("evidence", true);
    if (Y.isSeq(ev)) {
      out.evidence = ev.items.map(function (e) { return readEvidence(text, iid, e); });
    } else if (Y.isScalar(ev) && typeof ev.value === "string") out.evidence = [ev.value];
    else if (ev && !(Y.isScalar(ev) && ev.value === null)) throw errorAt(text, ev, iid + ": evidence must be a list of entries (text, or {ref, date})");
    var waiver = node.get("waiver", true);
    if (Y.isMap(waiver) && waiver.items.length) {
      var w = { reason: scalarText(waiver.get("reason", true)), approved_by: scalarText(waiver.get("approved_by", true)), expires: scalarText(waiver.get("expires", true)) };
      ["reason", "approved_by", "expires"].forEach(function (k) {
        if (typeof w[k] !== "string" || !w[k]) throw errorAt(text, waiver, iid + ": a waiver needs reason, approved_by and expires (YYYY-MM-DD)");
      });
      if (!isDate(w.expires)) throw errorAt(text, waiver.get("expires", true), iid + ": waiver expires must be a date written YYYY-MM-DD");
      out.waiver = w;
    } else if (waiver && !Y.isMap(waiver) && !(Y.isScalar(waiver) && waiver.value === null)) {
      throw errorAt(text, waiver, iid + ": waiver must be a mapping (reason, approved_by, expires) or null");
    }
    return out;
  }

  /* One evidence entry: text as it is, or a mapping {ref, date} (core/models.py Evidence) as
   * {ref: text, date: "YYYY-MM-DD" or null}, so the date survives an import and an export. */
  function readEvidence(text, iid, e) {
    if (Y.isScalar(e) && typeof e.value === "string") return e.value;
    var bad = iid + ": each evidence entry must be text, or a mapping with ref (text) and date (YYYY-MM-DD)";
    if (!Y.isMap(e)) throw errorAt(text, e, bad);
    e.items.forEach(function (p) { if (keyOf(p) !== "ref" && keyOf(p) !== "date") throw errorAt(text, p.key, bad); });
    var ref = scalarText(e.get("ref", true));
    var date = scalarText(e.get("date", true));
    if (typeof ref !== "string" || !ref) throw errorAt(text, e, bad);
    if (date !== null && date !== undefined && (typeof date !== "string" || !isDate(date))) throw errorAt(text, e.get("date", true), bad);
    return { ref: ref, date: date || null };
  }

  /* An entry as one line of the evidence box: a dated entry ends with "(dated YYYY-MM-DD)", as the
   * reports print it; a line written that way becomes a dated entry again. */
  var DATED_LINE = /^(.*\S)\s+\(dated (\d{4}-\d{2}-\d{2})\)$/;

  function evidenceLine(e) {
    if (typeof e === "string") return e;
    return e.date ? e.ref + " (dated " + e.date + ")" : e.ref;
  }

  function lineEvidence(line) {
    var m = DATED_LINE.exec(line);
    return m && isDate(m[2]) ? { ref: m[1], date: m[2] } : line;
  }

  function isDate(s) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
    var d = new Date(s + "T00:00:00Z");
    return !isNaN(d) && d.toISOString().slice(0, 10) === s;
  }

  function blank() {
    return { answer: null, notes: "", evidence: [], waiver: null };
  }

  // --- scoring (core/scoring.py) -------------------------------------------------------------
  // Python's str.isprintable() is false for these categories, and isspace() for White_Space.
  var VISIBLE = /[^\p{White_Space}\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

  function hasVisibleText(s) {
    return VISIBLE.test(s || "");
  }

  function today() {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  function applies(item, modes) {
    if (!item.appliesTo.length || !modes.length) return true;
    return item.appliesTo.some(function (m) { return modes.indexOf(m) >= 0; });
  }

  function waiverComplete(w) {
    return !!(w && w.reason && w.approved_by && isDate(w.expires));
  }

  /* Status and value of one item: [status, value|null], as scoring._evaluate. */
  function evaluate(item, response, modes, day) {
    if (!applies(item, modes)) return ["not-applicable", null];
    var answer = response ? response.answer : null;
    if (response && waiverComplete(response.waiver) && day <= response.waiver.expires && answer !== "yes") return ["waived", 1];
    if (answer === null) return ["open", 0];
    if (answer === "n/a") return hasVisibleText(String(response.notes).trim()) ? ["n/a", null] : ["open", 0];
    return { yes: ["met", 1], partial: ["partial", 0.5], no: ["not-met", 0] }[answer];
  }

  /* Python's round(x, 1): correctly rounded, ties to even. A tie at one decimal is only exact
   * for x*4 an odd integer (.25 or .75); toFixed rounds ties up, so those are done by hand. */
  function round1(x) {
    var q = x * 4;
    if (Number.isInteger(q) && q % 2 !== 0) {
      var lo = Math.floor(x * 10);
      return (lo % 2 === 0 ? lo : lo + 1) / 10;
    }
    return Number(x.toFixed(1));
  }

  function scoreOf(results) {
    var total = 0, got = 0;
    results.forEach(function (r) {
      if (r.value === null) return;
      total += r.weight;
      got += r.weight * r.value;
    });
    return total === 0 ? null : round1((100.0 * got) / total);
  }

  /* Score `responses` for the checklists in `assessed` (ids), as `check` does. */
  function scoreAll(responses, assessed, modes, day) {
    var all = [], per = {};
    assessed.forEach(function (cid) {
      var rows = CHECKLISTS[cid].items.map(function (iid) {
        var item = ITEMS[iid];
        var ev = evaluate(item, responses[iid], modes, day);
        return { id: iid, status: ev[0], value: ev[1], weight: WEIGHTS[item.severity], answered: !!(responses[iid] && responses[iid].answer) };
      });
      all = all.concat(rows);
      per[cid] = { score: scoreOf(rows), rows: rows };
    });
    return { overall: scoreOf(all), checklists: per };
  }

  // --- writing: values edited in place ---------------------------------------------------------
  var KEYWORDS = /^(?:null|true|false|yes|no|on|off|y|n|~)$/i;
  // Written double-quoted and escaped: line breaks, tabs (fm-governance's reader refuses a raw tab
  // outside quotes, as not every YAML reader takes one) and other controls.
  var UNSAFE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]/;

  /* `s` as a one-line YAML scalar: plain where the yaml library writes it plain, else quoted. */
  function scalar(s) {
    if (!UNSAFE.test(s) && !KEYWORDS.test(s)) {
      var doc = new Y.Document(s);
      var out = doc.toString({ lineWidth: 0 }).replace(/\n$/, "");
      if (out.indexOf("\n") < 0) return out;
    }
    // JSON's escapes are YAML's; the characters JSON leaves raw that YAML reads as line breaks or
    // that readers refuse raw are escaped too.
    return JSON.stringify(s).replace(/[\u007f-\u009f\u2028\u2029\ufeff]/g, function (c) {
      return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }

  function lineStart(text, offset) {
    return text.lastIndexOf("\n", offset - 1) + 1;
  }

  function columnOf(text, offset) {
    return offset - lineStart(text, offset);
  }

  function spaces(n) {
    return new Array(n + 1).join(" ");
  }

  /* The new value of `field` as [inline text] or [null, block lines] (lines without indent). */
  function render(field, value) {
    if (field === "answer") return [value === null ? "null" : '"' + value + '"'];
    if (field === "notes") return [value === "" ? "null" : scalar(value)];
    if (field === "evidence") {
      if (!value.length) return ["[]"];
      var lines = [];
      value.forEach(function (e) {
        if (typeof e === "string") lines.push("- " + scalar(e));
        else {
          lines.push("- ref: " + scalar(e.ref));
          if (e.date) lines.push("  date: " + e.date);
        }
      });
      return [null, lines];
    }
    if (!value) return ["null"];
    return [null, ["reason: " + scalar(value.reason), "approved_by: " + scalar(value.approved_by), "expires: " + value.expires]];
  }

  /* Splices [start, end, text] replacing the value of `field` in the block mapping `map`. */
  function fieldSplice(text, map, field, value) {
    var NL = newline(text);
    var r = render(field, value);
    var pair = null;
    map.items.forEach(function (p) { if (keyOf(p) === field) pair = p; });
    var keyCol = columnOf(text, map.items[0].key.range[0]);
    var block = r[0] === null ? r[1].map(function (l) { return spaces(keyCol + 2) + l; }) : null;
    if (!pair) {
      var at = map.range[1];
      var lead = text.charAt(at - 1) === "\n" ? "" : NL;
      var line = spaces(keyCol) + field + ":" + (block ? NL + block.join(NL) : " " + r[0]) + NL;
      return [at, at, lead + line];
    }
    var keyEnd = pair.key.range[1];
    var v = pair.value;
    var end = v ? v.range[1] : keyEnd + 1;
    while (v && end > v.range[0] && /\s/.test(text.charAt(end - 1))) end--;
    var between = text.slice(keyEnd, v ? v.range[0] : end);
    var comment = Y.isScalar(v) || !v ? "" : (between.match(/#[^\n]*/) || [""])[0];
    var rest = comment ? "  " + comment : "";
    var replacement = block ? ":" + rest + NL + block.join(NL) : ": " + r[0] + rest;
    return [keyEnd, end, replacement];
  }

  /* The file's own line ending (from its first line break), for every line written into it. */
  function newline(text) {
    var m = /\r\n|\n/.exec(text);
    return m ? m[0] : "\n";
  }

  function applySplices(text, splices) {
    splices.sort(function (a, b) { return b[0] - a[0]; });
    splices.forEach(function (s) { text = text.slice(0, s[0]) + s[2] + text.slice(s[1]); });
    return text;
  }

  /* A block of the template (a checklist section or an item), re-indented to `column`. */
  function templateBlock(path, column) {
    var doc = Y.parseDocument(DATA.template);
    var parent = doc.getIn(path.slice(0, -1), true);
    var pair = parent.items.filter(function (p) { return keyOf(p) === path[path.length - 1]; })[0];
    var t = DATA.template;
    var start = lineStart(t, pair.key.range[0]);
    var from = pair.key.range[0] - start;
    var end = pair.value.range[1];
    var lines = t.slice(start, end).replace(/\n+$/, "").split("\n");
    return lines.map(function (l) { return spaces(column) + l.slice(from); }).join("\n") + "\n";
  }

  function insertInto(text, map, block) {
    if (Y.isMap(map) && map.items.length && !map.flow) {
      var at = map.range[1];
      var NL = newline(text);
      return text.slice(0, at) + (text.charAt(at - 1) === "\n" ? "" : NL) + block.replace(/\n/g, NL) + text.slice(at);
    }
    throw new FormError("this file writes a checklist section in flow style ({…}); write it as a block to answer here", 0, 0);
  }

  /* The text of the assessment with `responses` written into `base`, only where they differ. */
  function writeAssessment(base, responses) {
    var text = base;
    var parsed = readAssessment(text);
    var changed = {};
    Object.keys(responses).forEach(function (iid) {
      var now = responses[iid], before = parsed.responses[iid] || blank();
      var fields = [];
      if (now.answer !== before.answer) fields.push("answer");
      if (now.notes !== before.notes) fields.push("notes");
      if (JSON.stringify(now.evidence) !== JSON.stringify(before.evidence)) fields.push("evidence");
      var w = waiverComplete(now.waiver) ? now.waiver : null;
      if (JSON.stringify(w) !== JSON.stringify(before.waiver)) fields.push("waiver");
      if (fields.length) changed[iid] = fields;
    });
    // Sections and items the file lacks come from the template, then values are written.
    var ids = Object.keys(changed);
    var doc = parsed.doc; // parsed again only after an insertion moved the text
    ids.forEach(function (iid) {
      var cid = ITEMS[iid].checklist;
      var sections = doc.get("checklists", true);
      var section = sections.get(cid, true);
      if (!section) {
        var column = sections.items.length ? columnOf(text, sections.items[0].key.range[0]) : 2;
        text = insertInto(text, sections, templateBlock(["checklists", cid], column));
        doc = parseDoc(text);
        section = doc.get("checklists", true).get(cid, true);
      }
      var items = section.get("items", true);
      if (!Y.isMap(items) || !items.has(iid)) {
        if (!Y.isMap(items) || !items.items.length) throw new FormError("checklist '" + cid + "' has no items in this file; run `fm-governance assess` on it first", 0, 0);
        text = insertInto(text, items, templateBlock(["checklists", cid, "items", iid], columnOf(text, items.items[0].key.range[0])));
        doc = parseDoc(text);
      }
    });
    var splices = [];
    ids.forEach(function (iid) {
      var items = doc.getIn(["checklists", ITEMS[iid].checklist, "items"], true);
      var pair = items.items.filter(function (p) { return keyOf(p) === iid; })[0];
      var node = pair.value;
      var now = responses[iid];
      if (Y.isMap(node) && node.items.length && !node.flow) {
        changed[iid].forEach(function (field) {
          splices.push(fieldSplice(text, node, field, field === "waiver" ? (waiverComplete(now.waiver) ? now.waiver : null) : now[field]));
        });
      } else if (Y.isMap(node) && node.flow && node.items.length) {
        throw errorAt(text, node, iid + " is written in flow style ({…}) in this file; write it as a block mapping to answer it here");
      } else {
        // null, empty or {}: the item becomes a block mapping of what was answered.
        var col = columnOf(text, pair.key.range[0]) + 2;
        var lines = [];
        changed[iid].forEach(function (field) {
          var r = render(field, field === "waiver" ? (waiverComplete(now.waiver) ? now.waiver : null) : now[field]);
          lines.push(spaces(col) + field + ":" + (r[0] === null ? newline(text) + r[1].map(function (l) { return spaces(col + 2) + l; }).join(newline(text)) : " " + r[0]));
        });
        var start = pair.key.range[1];
        var end = node && node.range ? node.range[1] : start;
        var between = text.slice(start, node && node.range ? node.range[0] : end);
        var comment = (between.match(/#[^\n]*/) || [""])[0];
        var NL = newline(text);
        splices.push([start, Math.max(end, start), ":" + (comment ? "  " + comment : "") + NL + lines.join(NL)]);
      }
    });
    return applySplices(text, splices);
  }

  // --- state ------------------------------------------------------------------------------------
  var state = load();

  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(STORE) || "null");
      if (saved && saved.v === 1) return saved;
    } catch (e) { /* unreadable or unavailable storage: start afresh */ }
    return fresh();
  }

  function fresh() {
    return { v: 1, base: null, name: "", responses: {} };
  }

  function save() {
    try {
      window.localStorage.setItem(STORE, JSON.stringify(state));
    } catch (e) {
      say("error", "This browser did not keep your work (storage is full or disabled): export it now.");
    }
  }

  var baseInfo = null; // the parse of state.base (or the template): responses, present, modes

  function baseText() {
    return state.base === null ? DATA.template : state.base;
  }

  var staleBase = "";

  function refreshBase() {
    try {
      baseInfo = readAssessment(baseText());
    } catch (e) {
      // A stored file that no longer reads (the handbook's checklists changed since it was
      // imported): the answers are kept, the export starts from the template, and the page says so.
      staleBase = state.name || "the imported file";
      state.base = null;
      state.name = "";
      baseInfo = readAssessment(DATA.template);
    }
  }

  function response(iid) {
    return state.responses[iid] || baseInfo.responses[iid] || blank();
  }

  function currentResponses() {
    var out = {};
    Object.keys(ITEMS).forEach(function (iid) {
      if (state.responses[iid] || baseInfo.responses[iid]) out[iid] = response(iid);
    });
    return out;
  }

  function assessed() {
    return ORDER.filter(function (cid) {
      if (baseInfo.present[cid]) return true;
      return CHECKLISTS[cid].items.some(function (iid) {
        var r = state.responses[iid];
        // What the export writes: an incomplete waiver is not exported, so it adds no checklist.
        return r && (r.answer || r.notes || r.evidence.length || waiverComplete(r.waiver));
      });
    });
  }

  // --- the page ---------------------------------------------------------------------------------
  var panel, statusBox, alertBox, progressBox, ownerFilter, severityFilter;
  var uid = 0;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function labelled(text, control) {
    var id = "fmg-f" + ++uid;
    control.id = id;
    return [el("label", { for: id, text: text }), control];
  }

  function say(kind, message) {
    var box = kind === "error" ? alertBox : statusBox;
    (kind === "error" ? statusBox : alertBox).textContent = "";
    box.textContent = message;
  }

  function buildPanel() {
    var importInput = el("input", { type: "file", accept: ".yaml,.yml,application/yaml,text/yaml", class: "fmg-form-import" });
    var importParts = labelled("Import assessment", importInput);
    var exportButton = el("button", { type: "button", class: "fmg-form-button", "data-fmg-action": "export", text: "Export YAML" });
    var clearButton = el("button", { type: "button", class: "fmg-form-button", "data-fmg-action": "clear", text: "Clear" });
    var owners = el("select", {}, [el("option", { value: "", text: "All owners" })]);
    var seen = {};
    DATA.page.forEach(function (iid) {
      var o = ITEMS[iid].owner;
      if (!seen[o]) { seen[o] = true; owners.appendChild(el("option", { value: o, text: o })); }
    });
    var severities = el("select", {}, [el("option", { value: "", text: "All severities" })]);
    SEVERITIES.forEach(function (s) { severities.appendChild(el("option", { value: s, text: s })); });
    ownerFilter = owners;
    severityFilter = severities;
    statusBox = el("p", { class: "fmg-form-status", role: "status" });
    alertBox = el("p", { class: "fmg-form-alert", role: "alert" });
    progressBox = el("div", { class: "fmg-form-progress" });
    panel = el("section", { class: "fmg-form-panel", "aria-labelledby": "fmg-form-title" }, [
      el("p", { class: "fmg-form-title", id: "fmg-form-title", text: "Assessment mode" }),
      el("p", { class: "fmg-form-intro" }, [
        document.createTextNode("Answer the items below. Your work stays in this browser until you export it as "),
        el("code", { text: "fm-governance.yaml" }),
        document.createTextNode(", the file "),
        el("code", { text: "fm-governance check" }),
        document.createTextNode(" scores. Import a file to continue it: only what you change is rewritten."),
      ]),
      el("div", { class: "fmg-form-actions" }, [el("span", { class: "fmg-form-field" }, importParts), exportButton, clearButton]),
      alertBox,
      statusBox,
      el("div", { class: "fmg-form-filters" }, [
        el("span", { class: "fmg-form-field" }, labelled("Owner", owners)),
        el("span", { class: "fmg-form-field" }, labelled("Severity", severities)),
      ]),
      progressBox,
    ]);
    importInput.addEventListener("change", function () {
      if (importInput.files && importInput.files[0]) importFile(importInput.files[0]);
      importInput.value = "";
    });
    exportButton.addEventListener("click", exportFile);
    clearButton.addEventListener("click", clearWork);
    owners.addEventListener("change", applyFilters);
    severities.addEventListener("change", applyFilters);
    panel.addEventListener("dragover", function (e) { e.preventDefault(); panel.classList.add("fmg-form-drop"); });
    panel.addEventListener("dragleave", function () { panel.classList.remove("fmg-form-drop"); });
    panel.addEventListener("drop", function (e) {
      e.preventDefault();
      panel.classList.remove("fmg-form-drop");
      var f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
      if (f) importFile(f);
    });
    var anchor = document.querySelector(".fmg-form-page") || document.querySelector(".fmg-checklist");
    anchor.parentNode.insertBefore(panel, anchor);
  }

  function buildItem(iid) {
    var item = ITEMS[iid];
    var box = document.getElementById(item.anchor);
    if (!box || box.querySelector("[data-fmg-item]")) return;
    var fs = el("fieldset", { class: "fmg-answer", "data-fmg-item": iid });
    fs.appendChild(el("legend", { text: "Your answer to " + iid }));
    var choices = el("div", { class: "fmg-answer-choices" });
    ANSWERS.forEach(function (a) {
      var input = el("input", { type: "radio", name: iid + ".answer", value: a });
      var id = "fmg-f" + ++uid;
      input.id = id;
      choices.appendChild(el("span", { class: "fmg-answer-choice" }, [input, el("label", { for: id, text: ANSWER_LABELS[a] })]));
    });
    var unset = el("button", { type: "button", class: "fmg-form-button fmg-answer-unset", text: "Clear answer" });
    unset.setAttribute("aria-label", "Clear the answer to " + iid);
    choices.appendChild(unset);
    fs.appendChild(choices);
    // What the item still needs (n/a without notes, an incomplete or expired waiver), next to the
    // answer and announced when it changes.
    var stateId = "fmg-f" + ++uid;
    fs.appendChild(el("p", { class: "fmg-answer-state", id: stateId, "aria-live": "polite" }));
    fs.setAttribute("aria-describedby", stateId);
    var notes = el("textarea", { name: iid + ".notes", rows: "2" });
    fs.appendChild(el("div", { class: "fmg-form-row" }, labelled("Notes (needed for n/a)", notes)));
    var evidence = el("textarea", { name: iid + ".evidence", rows: "2" });
    fs.appendChild(el("div", { class: "fmg-form-row" }, labelled("Evidence (one entry a line; end it with (dated YYYY-MM-DD) to date it)", evidence)));
    var waiver = el("fieldset", { class: "fmg-waiver" }, [el("legend", { text: "Waiver (optional)" })]);
    [["reason", "Reason", "text"], ["approved_by", "Approved by", "text"], ["expires", "Expires (last valid day)", "date"]].forEach(function (w) {
      var input = el("input", { type: w[2], name: iid + ".waiver." + w[0] });
      waiver.appendChild(el("div", { class: "fmg-form-row" }, labelled(w[1], input)));
    });
    fs.appendChild(waiver);
    box.appendChild(fs);
    fs.addEventListener("input", function () { fromForm(iid, fs); });
    fs.addEventListener("change", function () { fromForm(iid, fs); });
    unset.addEventListener("click", function () {
      fs.querySelectorAll('input[type="radio"]').forEach(function (r) { r.checked = false; });
      fromForm(iid, fs);
    });
  }

  function field(fs, iid, name) {
    return fs.querySelector('[name="' + iid + "." + name + '"]');
  }

  function fromForm(iid, fs) {
    var checked = fs.querySelector('input[type="radio"]:checked');
    var lines = field(fs, iid, "evidence").value.split("\n").map(function (l) { return l.trim(); }).filter(Boolean);
    var entries = lines.map(lineEvidence);
    var w = { reason: field(fs, iid, "waiver.reason").value.trim(), approved_by: field(fs, iid, "waiver.approved_by").value.trim(), expires: field(fs, iid, "waiver.expires").value };
    var previous = response(iid);
    // Evidence and notes as typed are kept when they say the same as before (no needless rewrite).
    var evidence = JSON.stringify(lines) === JSON.stringify(previous.evidence.map(function (e) { return evidenceLine(e).trim(); })) ? previous.evidence : entries;
    state.responses[iid] = {
      answer: checked ? checked.value : null,
      notes: field(fs, iid, "notes").value,
      evidence: evidence,
      waiver: w.reason || w.approved_by || w.expires ? w : null,
    };
    save();
    showItemState(iid, fs);
    showProgress();
  }

  function toForm(iid) {
    var item = ITEMS[iid];
    var box = document.getElementById(item.anchor);
    var fs = box && box.querySelector('[data-fmg-item="' + iid + '"]');
    if (!fs) return;
    var r = response(iid);
    fs.querySelectorAll('input[type="radio"]').forEach(function (radio) { radio.checked = radio.value === r.answer; });
    field(fs, iid, "notes").value = r.notes;
    field(fs, iid, "evidence").value = r.evidence.map(evidenceLine).join("\n");
    var w = r.waiver || {};
    field(fs, iid, "waiver.reason").value = w.reason || "";
    field(fs, iid, "waiver.approved_by").value = w.approved_by || "";
    field(fs, iid, "waiver.expires").value = w.expires || "";
    showItemState(iid, fs);
  }

  function showItemState(iid, fs) {
    var r = response(iid);
    var words = [];
    if (r.answer === "n/a" && !hasVisibleText(r.notes.trim())) words.push("n/a needs notes saying why (scored as open until it has them).");
    if (r.waiver && !waiverComplete(r.waiver)) words.push("A waiver needs a reason, who approved it and an expiry date; until then it does not count and is not exported.");
    else if (r.waiver && today() > r.waiver.expires) words.push("This waiver expired on " + r.waiver.expires + ": renew it with a new approval and date, or answer the item.");
    fs.querySelector(".fmg-answer-state").textContent = words.join(" ");
  }

  function showProgress() {
    var list = assessed();
    var result = scoreAll(currentResponses(), list, baseInfo.modes, today());
    progressBox.textContent = "";
    var shown = {};
    DATA.page.forEach(function (iid) { shown[ITEMS[iid].checklist] = true; });
    var rows = [];
    ORDER.forEach(function (cid) {
      if (!shown[cid]) return;
      var ids = CHECKLISTS[cid].items;
      var answered = ids.filter(function (iid) { return response(iid).answer; }).length;
      var r = result.checklists[cid];
      var score = r ? (r.score === null ? "–" : String(r.score)) : "not in the file";
      var row = el("li", { "data-fmg-checklist": cid });
      row.appendChild(document.createTextNode(CHECKLISTS[cid].title + ": "));
      row.appendChild(el("span", { class: "fmg-progress-answered", text: answered + " / " + ids.length }));
      row.appendChild(document.createTextNode(" answered · score "));
      row.appendChild(el("span", { class: "fmg-progress-score", text: score }));
      rows.push(row);
    });
    var overall = el("li", { class: "fmg-progress-overall" }, [
      document.createTextNode("Overall, " + list.length + " checklist" + (list.length === 1 ? "" : "s") + " in the file: "),
      el("span", { class: "fmg-progress-score", "data-fmg-overall": "", text: result.overall === null ? "–" : String(result.overall) }),
      document.createTextNode("/100 (what "),
      el("code", { text: "fm-governance check" }),
      document.createTextNode(" scores for the export)"),
    ]);
    rows.push(overall);
    progressBox.appendChild(el("ul", {}, rows));
    var open = state.base !== null ? "Working on " + (state.name || "an imported file") + "." : "Working on a new assessment.";
    if (baseInfo.modes.length) open += " Modes: " + baseInfo.modes.join(", ") + " (items for other modes are not scored).";
    progressBox.appendChild(el("p", { class: "fmg-form-source", text: open }));
  }

  function applyFilters() {
    var owner = ownerFilter.value, severity = severityFilter.value;
    DATA.page.forEach(function (iid) {
      var item = ITEMS[iid];
      var box = document.getElementById(item.anchor);
      if (!box) return;
      box.hidden = (owner && item.owner !== owner) || (severity && item.severity !== severity) ? true : false;
    });
  }

  function refreshAll() {
    DATA.page.forEach(toForm);
    showProgress();
  }

  function importFile(file) {
    if (file.size > MAX_BYTES) {
      say("error", "Not imported — " + file.name + ": the file is larger than 8 MiB, the limit of every fm-governance reader. Your work in progress is unchanged.");
      return;
    }
    file.arrayBuffer().then(function (buffer) {
      var text, parsed;
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(buffer);
      } catch (e) {
        say("error", "Not imported — " + file.name + ": the file is not UTF-8 text (save it as UTF-8). Your work in progress is unchanged.");
        return;
      }
      try {
        parsed = readAssessment(text);
      } catch (e) {
        if (!(e instanceof FormError)) throw e;
        var where = e.line ? file.name + ":" + e.line + ":" + e.column + ": " : file.name + ": ";
        say("error", "Not imported — " + where + e.message + ". Your work in progress is unchanged.");
        return;
      }
      state = { v: 1, base: text, name: file.name, responses: {} };
      baseInfo = parsed;
      save();
      refreshAll();
      var n = Object.keys(parsed.responses).filter(function (iid) { return parsed.responses[iid].answer; }).length;
      say("status", "Imported " + file.name + ": " + n + " answered item" + (n === 1 ? "" : "s") + ". Export writes it back with only your changes.");
    }, function () {
      say("error", "Not imported — " + file.name + ": the browser could not read the file. Your work in progress is unchanged.");
    });
  }

  function exportFile() {
    var incomplete = Object.keys(state.responses).filter(function (iid) {
      var w = state.responses[iid].waiver;
      return w && !waiverComplete(w);
    });
    var text;
    try {
      text = writeAssessment(baseText(), currentResponses());
    } catch (e) {
      if (!(e instanceof FormError)) throw e;
      say("error", "Not exported — " + (e.line ? "line " + e.line + ", column " + e.column + ": " : "") + e.message + ".");
      return;
    }
    var blob = new Blob([text], { type: "application/yaml" });
    var a = el("a", { href: URL.createObjectURL(blob), download: "fm-governance.yaml" });
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
    say("status", "Exported fm-governance.yaml." + (incomplete.length ? " Incomplete waivers were left out: " + incomplete.join(", ") + "." : ""));
  }

  function clearWork() {
    state = fresh();
    try { window.localStorage.removeItem(STORE); } catch (e) { /* nothing kept */ }
    refreshBase();
    refreshAll();
    say("status", "Cleared: this browser no longer holds answers for this handbook.");
  }

  function start() {
    mark("fmg-form-start");
    refreshBase();
    buildPanel();
    DATA.page.forEach(buildItem);
    refreshAll();
    if (staleBase) {
      save();
      say("error", staleBase + " no longer matches this handbook's checklists, so export now starts from the blank template; your answers are kept. Import the file again to keep its other contents.");
    }
    document.documentElement.classList.add("fmg-form-ready");
    mark("fmg-form-ready"); // benchmarks/form_bench.py reads these two marks
  }

  function mark(name) {
    if (window.performance && performance.mark) performance.mark(name);
  }

  // For tests and scripts: the page's scorer on a YAML text (the parity test uses it).
  window.fmgForm = {
    /* `text` with `responses` ({ID: {answer, notes, evidence, waiver}}) written in; throws a
     * message for a file it cannot write into. */
    write: function (text, responses) {
      try {
        return writeAssessment(text, responses);
      } catch (e) {
        throw new Error(e instanceof FormError ? e.message : String(e));
      }
    },
    score: function (text, day) {
      var parsed = readAssessment(text);
      var list = ORDER.filter(function (cid) { return parsed.present[cid]; });
      var r = scoreAll(parsed.responses, list, parsed.modes, day || today());
      var per = {};
      list.forEach(function (cid) { per[cid] = r.checklists[cid].score; });
      return { overall: r.overall, checklists: per };
    },
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
