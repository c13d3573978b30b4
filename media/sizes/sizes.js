// Generated from src/vscode/sizes/webview/ (UPDATE_WEBVIEW=1 npx mocha test/unit/sizes/webviewBundle.test.ts). Do not edit.
"use strict";
(() => {
  // src/core/sizes/format.ts
  var UNITS = ["B", "kB", "MB", "GB", "TB"];
  function formatBytes(n) {
    if (n === void 0 || !Number.isFinite(n)) return "not measured";
    const sign = n < 0 ? "-" : "";
    let v = Math.abs(n);
    let i = 0;
    while (v >= 1e3 && i < UNITS.length - 1) {
      v /= 1e3;
      i++;
    }
    const digits = i === 0 || v >= 100 ? 0 : v >= 10 ? 1 : 2;
    return `${sign}${v.toFixed(digits)} ${UNITS[i]}`;
  }
  function formatDelta(n) {
    if (n === void 0) return "";
    if (n === 0) return "±0 B";
    return n > 0 ? `+${formatBytes(n)}` : formatBytes(n);
  }
  function shortPlatform(platform) {
    return platform.startsWith("linux/") ? platform.slice("linux/".length) : platform;
  }

  // src/vscode/sizes/webview/dom.ts
  function el(doc, tag, attrs = {}, ...children) {
    const node = doc.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    for (const c of children) {
      if (c === void 0 || c === false) continue;
      node.append(typeof c === "string" ? doc.createTextNode(c) : c);
    }
    return node;
  }
  function icon(doc, name) {
    return el(doc, "span", { class: `codicon codicon-${name}`, "aria-hidden": "true" });
  }

  // src/vscode/sizes/webview/sortRows.ts
  var value = (r, key) => {
    switch (key) {
      case "variant":
      case "platform":
        return r[key];
      case "delta":
        return r.delta?.compressed ?? r.delta?.uncompressed;
      default:
        return r[key];
    }
  };
  function sortRows(rows, sort2) {
    const dir = sort2.descending ? -1 : 1;
    return rows.map((r, i) => ({ r, i })).sort((a, b) => {
      const va = value(a.r, sort2.key);
      const vb = value(b.r, sort2.key);
      if (va === void 0 || vb === void 0) return va === vb ? a.i - b.i : va === void 0 ? 1 : -1;
      const c = typeof va === "number" && typeof vb === "number" ? va - vb : String(va).localeCompare(String(vb));
      return c !== 0 ? c * dir : a.r.variant.localeCompare(b.r.variant) || a.r.platform.localeCompare(b.r.platform) || a.i - b.i;
    }).map(({ r }) => r);
  }
  var DEFAULT_SORT = { key: "variant", descending: false };

  // src/vscode/sizes/webview/render.ts
  var COLUMNS = [
    { key: "variant", label: "Variant" },
    { key: "platform", label: "Platform" },
    { key: "compressed", label: "Compressed", numeric: true },
    { key: "uncompressed", label: "On disk", numeric: true },
    { key: "layers", label: "Layers", numeric: true },
    { key: "delta", label: "Δ previous build", numeric: true },
    { key: void 0, label: "Architecture check" },
    { key: void 0, label: "Source" }
  ];
  function button(doc, label, codicon, onClick, primary = false) {
    const b = el(doc, "button", { type: "button", class: primary ? "primary" : "secondary" }, icon(doc, codicon), ` ${label}`);
    b.addEventListener("click", onClick);
    return b;
  }
  function toolbar(doc, state, h) {
    const when = state.updatedAt ? new Date(state.updatedAt).toLocaleString() : "";
    return el(
      doc,
      "header",
      { class: "toolbar" },
      el(doc, "h1", {}, "Image Sizes"),
      el(doc, "span", { class: "updated", "aria-live": "polite" }, state.loading ? "Reading sizes…" : when && `Updated ${when}`),
      el(
        doc,
        "div",
        { class: "actions" },
        button(doc, "Refresh", "refresh", () => h.onAction("refresh")),
        button(doc, "Verify Architectures", "verified", () => h.onAction("verify")),
        button(doc, "Export Build Report", "output", () => h.onAction("exportReport"))
      )
    );
  }
  function emptyState(doc, state, h) {
    const variants = state.variants.length ? `Variants in this workspace: ${state.variants.join(", ")}.` : "";
    return el(
      doc,
      "section",
      { class: "empty", "aria-labelledby": "empty-title" },
      el(doc, "h2", { id: "empty-title" }, "No built images yet"),
      el(
        doc,
        "p",
        {},
        'Sizes appear here after a build. Run Build All Architectures from the Command Palette, right-click a variant in the Multi-Arch view and choose Build Variant, or run "multiarch build --output oci" in a terminal. ',
        variants
      ),
      el(doc, "p", {}, "Compressed sizes are read from the OCI export or the registry (layers + config of each platform manifest); on-disk sizes from the engine’s local image store."),
      button(doc, "Build All Architectures", "play", () => h.onAction("buildAll"), true)
    );
  }
  function deltaCell(doc, r) {
    const d = r.delta?.compressed ?? r.delta?.uncompressed;
    if (d === void 0) return el(doc, "td", { class: "num muted" }, "–");
    const cls = d > 0 ? "delta up" : d < 0 ? "delta down" : "delta same";
    const words = d > 0 ? "larger than the previous build" : d < 0 ? "smaller than the previous build" : "same as the previous build";
    return el(doc, "td", { class: `num ${cls}` }, el(doc, "span", { title: words }, formatDelta(d)), el(doc, "span", { class: "sr-only" }, ` (${words})`));
  }
  function verifyCell(doc, r) {
    const v = r.verify;
    if (!v) return el(doc, "td", { class: "muted" }, "not verified");
    const iconName = v.status === "pass" ? "pass" : v.status === "fail" ? "error" : "circle-slash";
    const text = v.status === "pass" ? `${v.actual ?? ""}` : v.status === "fail" ? `expected ${v.expected.join(" or ")}, got ${v.actual ?? "?"}` : `skipped`;
    const cell = el(doc, "td", { class: `verify ${v.status}` }, icon(doc, iconName), ` ${text}`);
    if (v.reason) cell.setAttribute("title", v.reason);
    return cell;
  }
  function headerCell(doc, c, sort2, h) {
    const th = el(doc, "th", { scope: "col", class: c.numeric ? "num" : "" });
    if (!c.key) {
      th.textContent = c.label;
      return th;
    }
    const key = c.key;
    const active = sort2.key === key;
    th.setAttribute("aria-sort", active ? sort2.descending ? "descending" : "ascending" : "none");
    const b = el(doc, "button", { type: "button", class: "sort", "data-key": key }, c.label, icon(doc, active ? sort2.descending ? "arrow-down" : "arrow-up" : "blank"));
    b.addEventListener("click", () => h.onSort(key));
    th.append(b);
    return th;
  }
  function table(doc, state, sort2, h) {
    const body = el(doc, "tbody");
    for (const r of sortRows(state.rows, sort2)) {
      const tr = el(
        doc,
        "tr",
        { class: r.variant === state.focusVariant ? "focus" : "" },
        el(doc, "th", { scope: "row" }, r.variant),
        el(doc, "td", {}, shortPlatform(r.platform)),
        el(doc, "td", { class: "num" }, r.error ? "error" : formatBytes(r.compressed)),
        el(doc, "td", { class: "num" }, formatBytes(r.uncompressed)),
        el(doc, "td", { class: "num" }, r.layers === void 0 ? "–" : String(r.layers)),
        deltaCell(doc, r),
        verifyCell(doc, r),
        el(doc, "td", { class: "muted" }, r.source)
      );
      if (r.error) tr.setAttribute("title", r.error);
      body.append(tr);
      if (r.error) body.append(el(doc, "tr", { class: "error-row" }, el(doc, "td", { colspan: String(COLUMNS.length) }, icon(doc, "warning"), ` ${r.variant} ${r.platform}: ${r.error}`)));
    }
    return el(
      doc,
      "table",
      { class: "sizes" },
      el(doc, "caption", {}, "Image size per variant and platform. Select a column header to sort."),
      el(doc, "thead", {}, el(doc, "tr", {}, ...COLUMNS.map((c) => headerCell(doc, c, sort2, h)))),
      body
    );
  }
  function charts(doc, state) {
    const section = el(doc, "section", { class: "charts", "aria-labelledby": "charts-title" }, el(doc, "h2", { id: "charts-title" }, "Architectures compared"));
    const byVariant = /* @__PURE__ */ new Map();
    for (const r of state.rows) byVariant.set(r.variant, [...byVariant.get(r.variant) ?? [], r]);
    for (const [variant, rows] of [...byVariant].sort((a, b) => a[0].localeCompare(b[0]))) {
      const figure = el(doc, "figure", { class: `chart${variant === state.focusVariant ? " focus" : ""}` }, el(doc, "figcaption", {}, variant));
      const sized = rows.map((r) => ({ r, bytes: r.compressed ?? r.uncompressed, kind: r.compressed !== void 0 ? "compressed" : "on disk" }));
      const max = Math.max(1, ...sized.map((s) => s.bytes ?? 0));
      const list = el(doc, "ul", { class: "bars" });
      for (const { r, bytes, kind } of sized.sort((a, b) => a.r.platform.localeCompare(b.r.platform))) {
        const label = `${shortPlatform(r.platform)}: ${bytes === void 0 ? "not measured" : `${formatBytes(bytes)} ${kind}`}`;
        const bar = el(doc, "div", { class: "bar" });
        bar.style.width = `${bytes === void 0 ? 0 : Math.max(1, bytes / max * 100).toFixed(1)}%`;
        list.append(
          el(doc, "li", { "aria-label": label }, el(doc, "span", { class: "bar-label" }, shortPlatform(r.platform)), el(doc, "div", { class: "bar-track", "aria-hidden": "true" }, bar), el(doc, "span", { class: "bar-value" }, bytes === void 0 ? "not measured" : formatBytes(bytes)))
        );
      }
      figure.append(list);
      section.append(figure);
    }
    return section;
  }
  function render(doc, root2, state, sort2, h) {
    const parts = [toolbar(doc, state, h)];
    if (state.error) parts.push(el(doc, "p", { class: "error", role: "alert" }, icon(doc, "error"), ` ${state.error}`));
    if (!state.rows.length) parts.push(emptyState(doc, state, h));
    else parts.push(table(doc, state, sort2, h), charts(doc, state));
    root2.replaceChildren(...parts.filter((p) => typeof p === "object" && p !== null));
    if (state.focusVariant) root2.querySelector("tr.focus")?.scrollIntoView?.({ block: "nearest" });
  }

  // src/vscode/sizes/webview/main.ts
  var vscode = acquireVsCodeApi();
  var root = document.getElementById("app");
  var persisted = vscode.getState() ?? {};
  var sort = persisted.sort ?? DEFAULT_SORT;
  function draw() {
    if (!persisted.state) return;
    render(document, root, persisted.state, sort, {
      onSort: (key) => {
        sort = { key, descending: sort.key === key ? !sort.descending : key !== "variant" && key !== "platform" };
        save();
        vscode.postMessage({ type: "sorted", sort });
        draw();
      },
      onAction: (type) => vscode.postMessage({ type })
    });
  }
  function save() {
    persisted = { ...persisted, sort };
    vscode.setState(persisted);
  }
  window.addEventListener("message", (event) => {
    const msg = event.data;
    if (msg.type === "state") {
      persisted = { ...persisted, state: msg.state };
      save();
      draw();
    }
  });
  draw();
  vscode.postMessage({ type: "ready" });
})();
