import RAMCatalog
import RAMPolicy

/// Bytes of HTML: markup as is, text escaped (`&`, `<`, `>`, `"`, `'`).
struct HTMLBuffer {
    var bytes: [UInt8] = []

    mutating func raw(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func text(_ s: String) {
        var s = s
        s.withUTF8 { u in
            for c in u {
                switch c {
                case UInt8(ascii: "&"): bytes.append(contentsOf: [0x26, 0x61, 0x6D, 0x70, 0x3B])
                case UInt8(ascii: "<"): bytes.append(contentsOf: [0x26, 0x6C, 0x74, 0x3B])
                case UInt8(ascii: ">"): bytes.append(contentsOf: [0x26, 0x67, 0x74, 0x3B])
                case UInt8(ascii: "\""): bytes.append(contentsOf: [0x26, 0x71, 0x75, 0x6F, 0x74, 0x3B])
                case UInt8(ascii: "'"): bytes.append(contentsOf: [0x26, 0x23, 0x33, 0x39, 0x3B])
                default: bytes.append(c)
                }
            }
        }
    }
}

/// The audit as one self-contained HTML file: a heat map of principals × actions, grouped
/// by access level, sortable and filterable, each cell explaining itself on hover and on
/// click, printable. No network: the style and the script are inline, no font, image or
/// script is fetched. The markup is also well-formed XML (the tests parse it so).
extension AuditReport {
    static func escape(_ s: String) -> String {
        var b = HTMLBuffer()
        b.text(s)
        return String(decoding: b.bytes, as: UTF8.self)
    }

    static let symbols: [OpenDecision.Kind: String] = [.allow: "✓", .conditional: "?", .explicitDeny: "✗", .implicitDeny: "·"]
    static let classes: [OpenDecision.Kind: String] = [.allow: "a", .conditional: "c", .explicitDeny: "x", .implicitDeny: "i"]

    func html(generatedAt: String, source: String) -> [UInt8] {
        var h = ""
        h.reserveCapacity(4096 + cells.count * 120)
        let e = Self.escape
        let levels = Self.levelOrder.filter { l in actions.contains { $0.level == l } }
        h += """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>ramcheck audit — account \(e(accountId))</title>
            <style>
            \(Self.style)
            </style>
            </head>
            <body>
            <header>
            <h1>Who can do what — account \(e(accountId))</h1>
            <p class="meta">\(principals.count) principals × \(actions.count) actions · from <code>\(e(source))</code> · \(openContext ? "open context: keys not given are unknown" : "closed context: keys not given are missing") · ramcheck \(RAMCLI.version), catalog \(Catalog.version) · \(e(generatedAt))</p>
            </header>
            <section id="summary"><h2>Summary</h2><ul>

            """
        for line in summary { h += "<li>\(Self.inlineCode(line))</li>\n" }
        h += "</ul></section>\n<section id=\"controls\" class=\"no-print\"><fieldset><legend>Access level</legend>"
        for l in levels {
            let n = actions.filter { $0.level == l }.count
            h += "<label><input type=\"checkbox\" data-level=\"\(l.rawValue)\" checked=\"checked\"/> \(l.rawValue) (\(n))</label> "
        }
        h += """
            </fieldset>
            <fieldset><legend>Principals</legend><input id="filter" type="search" placeholder="filter by name"/> <label><input id="onlyAny" type="checkbox"/> only those who can call something shown</label></fieldset>
            <p class="legend"><span class="cell a">✓</span> allowed <span class="cell c">?</span> allowed only under a condition <span class="cell i">·</span> implicit deny <span class="cell x">✗</span> explicit deny — hover or click a cell for why; click a heading to sort</p>
            </section>
            <div class="wrap"><table id="matrix">
            <thead><tr><th rowspan="2" class="corner sortable" data-sort="name">principal</th><th rowspan="2" class="sortable" data-sort="count">can call</th>
            """
        for l in levels {
            let n = actions.filter { $0.level == l }.count
            h += "<th colspan=\"\(n)\" class=\"lvl lvl-\(l.rawValue)\">\(l.rawValue)</th>"
        }
        h += "</tr>\n<tr>"
        for (a, act) in actions.enumerated() {
            let short = act.action.split(separator: ":", maxSplits: 1).last.map(String.init) ?? act.action
            h +=
                "<th class=\"act sortable lvl-\(act.level.rawValue)\" data-sort=\"col\" data-col=\"\(a)\" title=\"\(e(act.action)) (\(act.level.rawValue))\"><span>\(e(short))</span></th>"
        }
        h += "</tr></thead>\n<tbody>\n"
        var b = HTMLBuffer()
        b.bytes.reserveCapacity(4096 + cells.count * 160)
        b.raw(h)
        let levelClass = actions.map { " lvl-\($0.level.rawValue)\" title=\"" }
        let actionText = actions.map { " → \($0.action) (\($0.level.rawValue)): " }
        for (p, principal) in principals.enumerated() {
            let name = principal.description
            b.raw("<tr data-name=\"")
            b.text(name)
            b.raw("\"><th class=\"who\">")
            b.text(name)
            b.raw("</th><td class=\"count\"></td>")
            for a in actions.indices {
                let c = cell(p, a)
                b.raw("<td class=\"cell ")
                b.raw(Self.classes[c.kind] ?? "i")
                b.raw(levelClass[a])
                b.text(name)
                b.text(actionText[a])
                b.text(c.why)
                b.raw("\">")
                b.raw(Self.symbols[c.kind] ?? "")
                b.raw("</td>")
            }
            b.raw("</tr>\n")
        }
        h = """
            </tbody></table></div>
            <aside id="detail" class="no-print" hidden="hidden"><button id="close" type="button">×</button><div id="detailText"></div></aside>
            <footer><p>Generated offline by ramcheck from an account snapshot; decisions follow RAM's documented evaluation (see the README's semantics and assumptions). Each cell's text names the deciding statement by file:line:column.</p></footer>
            <script>
            //<![CDATA[
            \(Self.script)
            //]]>
            </script>
            </body>
            </html>

            """
        b.raw(h)
        return b.bytes
    }

    /// Backticked spans of a summary line as `<code>`, the rest escaped.
    static func inlineCode(_ s: String) -> String {
        var out = ""
        var inCode = false
        for part in s.split(separator: "`", omittingEmptySubsequences: false) {
            out += inCode ? "<code>\(escape(String(part)))</code>" : escape(String(part))
            inCode.toggle()
        }
        return out
    }

    static let style = """
        :root { --allow: #1b7f3b; --cond: #e0a100; --deny: #b3261e; --none: #eef0f2; --ink: #1c1f23; --muted: #5f6873; }
        * { box-sizing: border-box; }
        body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 16px 24px; }
        h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 16px 0 4px; }
        .meta { color: var(--muted); margin: 0; } code { font: 12px ui-monospace, Menlo, Consolas, monospace; background: #f3f4f6; padding: 0 3px; border-radius: 3px; }
        #summary ul { margin: 4px 0; padding-left: 20px; }
        #controls { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; margin: 12px 0; }
        fieldset { border: 1px solid #d0d5db; border-radius: 6px; padding: 4px 10px; margin: 0; } legend { color: var(--muted); font-size: 12px; }
        label { margin-right: 8px; white-space: nowrap; } .legend { margin: 0; color: var(--muted); }
        .wrap { overflow: auto; max-height: 75vh; border: 1px solid #d0d5db; border-radius: 6px; }
        table { border-collapse: separate; border-spacing: 0; }
        th, td { padding: 0; }
        thead th { position: sticky; background: #fff; z-index: 2; font-weight: 600; }
        thead tr:first-child th { top: 0; height: 24px; } thead tr:nth-child(2) th { top: 24px; }
        th.lvl { text-align: left; padding: 2px 6px; border-left: 2px solid #9aa3ad; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
        th.act { height: 150px; vertical-align: bottom; width: 22px; min-width: 22px; max-width: 22px; border-bottom: 1px solid #d0d5db; }
        th.act span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; font-size: 11px; font-weight: 500; padding: 4px 0; display: inline-block; }
        th.corner, th.who { position: sticky; left: 0; background: #fff; z-index: 3; text-align: left; padding: 2px 8px; white-space: nowrap; }
        th.who { z-index: 1; font-weight: 500; border-right: 1px solid #d0d5db; }
        td.count { text-align: right; padding: 0 6px; color: var(--muted); font-variant-numeric: tabular-nums; }
        .sortable { cursor: pointer; } .sortable:hover { background: #f3f4f6; } .sorted { text-decoration: underline; }
        .cell { width: 22px; height: 22px; text-align: center; font-size: 12px; border: 1px solid #fff; cursor: pointer; display: table-cell;
                -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        span.cell { display: inline-block; width: 18px; height: 18px; line-height: 18px; border-radius: 3px; }
        .cell.a { background: var(--allow); color: #fff; } .cell.c { background: var(--cond); color: #000; }
        .cell.x { background: var(--deny); color: #fff; } .cell.i { background: var(--none); color: #9aa3ad; }
        td.cell.selected { outline: 2px solid #000; }
        tbody tr:hover th.who { background: #f3f4f6; }
        #detail { position: fixed; right: 16px; bottom: 16px; max-width: 520px; background: #fff; border: 1px solid #9aa3ad; border-radius: 8px;
                  box-shadow: 0 4px 16px rgba(0,0,0,.15); padding: 12px 16px; z-index: 10; }
        #detail button { float: right; border: 0; background: none; font-size: 18px; cursor: pointer; }
        footer { color: var(--muted); font-size: 12px; margin-top: 16px; }
        .hidden-row { display: none; }
        @media print {
          .no-print { display: none !important; } .wrap { overflow: visible; max-height: none; border: 0; }
          thead th { position: static; } th.corner, th.who { position: static; } body { margin: 0; }
          @page { size: landscape; margin: 10mm; }
        }
        """

    /// Sorting, filtering and the click-through detail, with no library and no network.
    static let script = """
        (function () {
          var table = document.getElementById('matrix');
          var body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          var hiddenLevels = {};
          var rank = { a: 3, c: 2, i: 1, x: 0 };
          function kind(td) { var m = / (a|c|x|i) /.exec(' ' + td.className + ' '); return m ? m[1] : 'i'; }
          function level(td) { var m = /lvl-([a-z]+)/.exec(td.className); return m ? m[1] : ''; }
          function visible(td) { return !hiddenLevels[level(td)]; }
          function count(tr) {
            var n = 0;
            for (var i = 2; i < tr.cells.length; i++) {
              var k = kind(tr.cells[i]);
              if (visible(tr.cells[i]) && (k === 'a' || k === 'c')) { n++; }
            }
            return n;
          }
          function refresh() {
            var text = document.getElementById('filter').value.toLowerCase();
            var onlyAny = document.getElementById('onlyAny').checked;
            rows.forEach(function (tr) {
              var n = count(tr);
              tr.cells[1].textContent = String(n);
              var show = tr.getAttribute('data-name').toLowerCase().indexOf(text) !== -1 && (!onlyAny || n > 0);
              tr.className = show ? '' : 'hidden-row';
            });
          }
          Array.prototype.forEach.call(document.querySelectorAll('input[data-level]'), function (box) {
            box.addEventListener('change', function () {
              var l = box.getAttribute('data-level');
              hiddenLevels[l] = !box.checked;
              Array.prototype.forEach.call(table.querySelectorAll('.lvl-' + l), function (el) { el.style.display = box.checked ? '' : 'none'; });
              refresh();
            });
          });
          document.getElementById('filter').addEventListener('input', refresh);
          document.getElementById('onlyAny').addEventListener('change', refresh);
          var sortState = { key: '', dir: 1 };
          Array.prototype.forEach.call(table.querySelectorAll('.sortable'), function (th) {
            th.addEventListener('click', function () {
              var key = th.getAttribute('data-sort') + (th.getAttribute('data-col') || '');
              sortState.dir = sortState.key === key ? -sortState.dir : 1;
              sortState.key = key;
              var col = Number(th.getAttribute('data-col'));
              var by = th.getAttribute('data-sort');
              rows.sort(function (r1, r2) {
                var v;
                if (by === 'name') { v = r1.getAttribute('data-name').localeCompare(r2.getAttribute('data-name')); }
                else if (by === 'count') { v = count(r2) - count(r1); }
                else { v = rank[kind(r2.cells[col + 2])] - rank[kind(r1.cells[col + 2])]; }
                return v * sortState.dir;
              });
              rows.forEach(function (tr) { body.appendChild(tr); });
              Array.prototype.forEach.call(table.querySelectorAll('.sorted'), function (el) { el.classList.remove('sorted'); });
              th.classList.add('sorted');
            });
          });
          var detail = document.getElementById('detail');
          var selected = null;
          body.addEventListener('click', function (ev) {
            var td = ev.target;
            if (!td || td.tagName !== 'TD' || td.className.indexOf('cell') === -1) { return; }
            if (selected) { selected.classList.remove('selected'); }
            selected = td;
            td.classList.add('selected');
            document.getElementById('detailText').textContent = td.getAttribute('title');
            detail.hidden = false;
          });
          document.getElementById('close').addEventListener('click', function () { detail.hidden = true; });
          refresh();
          document.body.setAttribute('data-ready', 'yes');
          // `#selftest` (Scripts/check-audit-html.sh, in headless Chromium): sort, filter and
          // click as a reader would, and record whether each did what it should.
          if (location.hash === '#selftest') {
            var problems = [];
            var byCount = table.querySelector('th[data-sort="count"]');
            byCount.click();
            var counts = Array.prototype.map.call(body.rows, function (tr) { return Number(tr.cells[1].textContent); });
            for (var i = 1; i < counts.length; i++) { if (counts[i - 1] < counts[i]) { problems.push('count sort'); break; } }
            table.querySelector('th[data-sort="name"]').click();
            var names = Array.prototype.map.call(body.rows, function (tr) { return tr.getAttribute('data-name'); });
            if (names.join('|') !== names.slice().sort(function (x, y) { return x.localeCompare(y); }).join('|')) { problems.push('name sort'); }
            var first = document.querySelector('input[data-level]');
            if (first) {
              var lvl = first.getAttribute('data-level');
              first.checked = false;
              first.dispatchEvent(new Event('change'));
              var shown = Array.prototype.filter.call(table.querySelectorAll('td.lvl-' + lvl), function (td) { return td.offsetParent !== null; });
              if (shown.length !== 0) { problems.push('level filter'); }
              first.checked = true;
              first.dispatchEvent(new Event('change'));
            }
            var filter = document.getElementById('filter');
            filter.value = '~no such principal~';
            filter.dispatchEvent(new Event('input'));
            if (body.querySelectorAll('tr.hidden-row').length !== body.rows.length) { problems.push('name filter'); }
            filter.value = '';
            filter.dispatchEvent(new Event('input'));
            var cell = body.querySelector('td.cell');
            if (cell) {
              cell.click();
              if (detail.hidden || document.getElementById('detailText').textContent !== cell.getAttribute('title')) { problems.push('cell detail'); }
            }
            document.body.setAttribute('data-selftest', problems.length ? 'fail: ' + problems.join(', ') : 'ok');
          }
        })();
        """
}
