// The /sparql editor: run the query with fetch and show the answer as a table (SELECT), a word
// (ASK) or text (CONSTRUCT, DESCRIBE). No framework, no CDN: served from /static.
"use strict";

(function () {
  const form = document.getElementById("sparql-form");
  const query = document.getElementById("query");
  const example = document.getElementById("example");
  const description = document.getElementById("example-description");
  const format = document.getElementById("format");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const endpoint = form.dataset.endpoint;

  example.addEventListener("change", function () {
    const chosen = example.selectedOptions[0];
    if (chosen && chosen.dataset.query) {
      query.value = chosen.dataset.query;
      description.textContent = chosen.dataset.description || chosen.title;
    }
  });

  query.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  // An RDF term as a reader wants it: a literal is its value (a number, a date, a title), with its
  // language or datatype kept in a tooltip and a short tag, not "7"^^<http://www.w3.org/...#integer>.
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const NUMERIC = ["integer", "decimal", "double", "float", "long", "int", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger",
    "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"];

  function termText(term) {
    if (term.type === "uri") return term.value;
    if (term.type === "bnode") return "_:" + term.value;
    if (term.type === "triple") {
      const v = term.value;
      return "<< " + termText(v.subject) + " " + termText(v.predicate) + " " + termText(v.object) + " >>";
    }
    return term.value;
  }

  function datatypeName(iri) {
    return iri.startsWith(XSD) ? "xsd:" + iri.slice(XSD.length) : iri;
  }

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri" && /^https?:/.test(term.value)) {
      const a = document.createElement("a");
      a.href = term.value;
      a.textContent = term.value;
      td.appendChild(a);
      return td;
    }
    td.textContent = termText(term);
    if (term.type === "literal" || term.type === "typed-literal") {
      td.className = "literal";
      if (term["xml:lang"]) {
        td.title = "language: " + term["xml:lang"];
        const tag = document.createElement("span");
        tag.className = "lang";
        tag.textContent = term["xml:lang"];
        td.appendChild(document.createTextNode(" "));
        td.appendChild(tag);
      } else if (term.datatype) {
        td.title = "datatype: " + datatypeName(term.datatype);
        td.dataset.datatype = datatypeName(term.datatype);
        if (term.datatype.startsWith(XSD) && NUMERIC.includes(term.datatype.slice(XSD.length))) {
          td.classList.add("number");
        }
      }
    }
    return td;
  }

  function table(data) {
    const vars = data.head.vars || [];
    const t = document.createElement("table");
    const head = t.createTHead().insertRow();
    vars.forEach(function (v) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = v;
      head.appendChild(th);
    });
    const body = t.createTBody();
    data.results.bindings.forEach(function (binding) {
      const row = body.insertRow();
      vars.forEach(function (v) { row.appendChild(cell(binding[v])); });
    });
    return t;
  }

  form.addEventListener("submit", async function (event) {
    if (format.value) return;  // a download: the browser posts the form itself
    event.preventDefault();
    status.className = "muted";
    status.textContent = "Running…";
    results.replaceChildren();
    const started = performance.now();
    let answer;
    try {
      answer = await fetch(endpoint, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Accept": "application/sparql-results+json, text/turtle;q=0.9",
        },
        body: new URLSearchParams({ query: query.value }),
      });
    } catch (e) {
      status.className = "error";
      status.textContent = "The service did not answer: " + e;
      return;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const type = answer.headers.get("Content-Type") || "";
    if (!answer.ok) {
      let message = answer.status + " " + answer.statusText;
      if (type.startsWith("application/json")) {
        const error = await answer.json();
        message = error.error.status + " " + error.error.type + ": " + error.error.message;
      }
      status.className = "error";
      status.textContent = message;
      return;
    }
    const truncated = answer.headers.get("KG-Truncated") === "true";
    if (type.startsWith("application/sparql-results+json")) {
      const data = await answer.json();
      if ("boolean" in data) {
        status.textContent = "ASK answered in " + seconds + " s";
        const p = document.createElement("p");
        p.textContent = String(data.boolean);
        results.appendChild(p);
      } else {
        const n = data.results.bindings.length;
        status.textContent = n + " row" + (n === 1 ? "" : "s") + " in " + seconds + " s";
        results.appendChild(table(data));
      }
    } else {
      status.textContent = "Answered in " + seconds + " s (" + type + ")";
      const pre = document.createElement("pre");
      pre.textContent = await answer.text();
      results.appendChild(pre);
    }
    if (truncated) {
      const note = document.createElement("p");
      note.className = "truncated";
      note.textContent = "Truncated: only the first " + answer.headers.get("KG-Result-Limit") +
        " rows or triples are shown. Narrow the query (LIMIT, more specific patterns).";
      results.prepend(note);
    }
  });
})();
