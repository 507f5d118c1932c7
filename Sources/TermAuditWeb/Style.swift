/// The one style sheet (served from `/static/app.css`; the CSP allows no inline styles). Screen and print.
enum Style {
    static let css = #"""
    :root { --ink: #1f2933; --muted: #616e7c; --line: #d9dee4; --bg: #f5f7fa; --card: #fff; --accent: #9b1c1c; --link: #1d4ed8;
            --hold: #b91c1c; --prep: #92400e; --audit: #1e40af; --ready: #6d28d9; --signed: #166534; }
    * { box-sizing: border-box; }
    html { font-size: 16px; }
    body { margin: 0; color: var(--ink); background: var(--bg);
           font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; line-height: 1.55; }
    a { color: var(--link); }
    header.bar { display: flex; align-items: center; gap: 1.5rem; padding: .6rem 1.5rem; background: var(--accent); color: #fff; }
    header.bar a { color: #fff; text-decoration: none; }
    header.bar .brand { font-weight: 700; font-size: 1.1rem; }
    header.bar nav { display: flex; gap: 1rem; }
    header.bar nav a:hover, header.bar .who a:hover { text-decoration: underline; }
    header.bar .who { margin-left: auto; display: flex; align-items: center; gap: 1rem; }
    header.bar button { background: transparent; color: #fff; border: 1px solid rgba(255,255,255,.6); border-radius: 4px; padding: .2rem .7rem; cursor: pointer; }
    main { max-width: 72rem; margin: 1.5rem auto; padding: 0 1.5rem; }
    footer { max-width: 72rem; margin: 2rem auto; padding: 0 1.5rem; color: var(--muted); font-size: .85rem; }
    h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
    h2 { font-size: 1.15rem; margin: 0 0 .75rem; }
    .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; margin: 0 0 1rem; }
    .narrow { max-width: 26rem; margin: 3rem auto; }
    .muted { color: var(--muted); }
    .error { color: var(--hold); font-weight: 600; }
    .warn { color: var(--prep); }
    form.inline { display: inline; margin: 0 .5rem 0 0; }
    label { display: block; margin: .75rem 0 .25rem; font-weight: 600; }
    input, select { font: inherit; padding: .45rem .6rem; border: 1px solid #b8c2cc; border-radius: 4px; width: 100%; }
    button { font: inherit; }
    button.primary { margin-top: 1rem; background: var(--accent); color: #fff; border: 0; border-radius: 4px; padding: .55rem 1.4rem; cursor: pointer; }
    form.filters { display: flex; flex-wrap: wrap; align-items: flex-end; gap: .6rem 1rem; margin-bottom: 1rem; }
    form.filters label { margin: 0 0 .2rem; display: block; font-size: .9rem; }
    form.filters select, form.filters input { width: auto; min-width: 9rem; }
    form.filters .field.wide input { min-width: 16rem; }
    form.filters .field.check label { font-size: 1rem; padding-bottom: .45rem; }
    form.filters .field.check input { min-width: 0; }
    form.filters .field.buttons { display: flex; gap: .75rem; align-items: center; }
    h1 a.button.aside { float: right; font-size: 1rem; font-weight: 600; }
    .record { max-width: 40rem; }
    .record .field { margin-bottom: .9rem; }
    .record .field label { display: block; font-weight: 600; margin-bottom: .25rem; }
    .record .field input, .record .field select { width: 100%; }
    .record .field.invalid input, .record .field.invalid select { border: 2px solid var(--hold); background: #fff7f7; }
    section[id^=area-] table.edit { table-layout: fixed; width: 100%; }
    section[id^=area-] table.edit th:first-child { width: 22%; }
    ul.todo { list-style: none; padding: 0; margin: 0; display: grid; gap: .4rem; }
    ul.todo .n { display: inline-block; min-width: 2.5rem; font-weight: 700; font-size: 1.15rem; text-align: right; }
    ul.todo li.muted a { color: var(--muted); }
    a.quiet { color: inherit; text-decoration: none; border-bottom: 1px dotted #94a3b8; }
    td.late { color: var(--hold); font-weight: 600; }
    form.filters button { padding: .45rem 1rem; border: 1px solid #b8c2cc; border-radius: 4px; background: #fff; cursor: pointer; }
    table { width: 100%; border-collapse: collapse; background: var(--card); }
    th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
    th { font-weight: 600; color: var(--muted); font-size: .9rem; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
    tr.holding td { background: #fef2f2; }
    table.list { border: 1px solid var(--line); border-radius: 8px; }
    .badge { display: inline-block; padding: .05rem .55rem; border-radius: 999px; font-size: .85rem; font-weight: 600; color: #fff; background: var(--muted); }
    .badge.state-on_hold { background: var(--hold); }
    .badge.state-preparing { background: var(--prep); }
    .badge.state-auditing { background: var(--audit); }
    .badge.state-ready_for_signoff { background: var(--ready); }
    .badge.state-signed_off { background: var(--signed); }
    ul.tiles { list-style: none; padding: 0; margin: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); gap: .75rem; }
    ul.tiles a { display: block; padding: .8rem 1rem; border: 1px solid var(--line); border-radius: 8px; text-decoration: none; color: var(--ink); }
    ul.tiles a:hover { border-color: var(--ink); }
    ul.tiles .n { display: block; font-size: 1.8rem; font-weight: 700; }
    ul.tiles .state-on_hold .n { color: var(--hold); }
    ul.tiles .state-ready_for_signoff .n { color: var(--ready); }
    ul.tiles .state-signed_off .n { color: var(--signed); }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1.2rem; margin: 0 0 .5rem; }
    dt { color: var(--muted); }
    dd { margin: 0; }
    details.why { margin-top: .6rem; font-size: .92rem; }
    details.why summary { cursor: pointer; color: var(--link); }
    details.why .rule { color: var(--muted); font-family: ui-monospace, monospace; font-size: .8rem; }
    details.why cite { color: var(--muted); font-style: normal; }
    .crumbs { margin: 0; }
    .crumbs a.aside { float: right; margin-left: 1.25rem; }
    fieldset { border: 1px solid var(--line); border-radius: 6px; padding: .5rem 1rem .75rem; margin: 0 0 .5rem; }
    legend { font-weight: 600; padding: 0 .3rem; }
    label.choice { font-weight: 400; margin: .35rem 0; }
    label.choice input { width: auto; }
    form.stack select, form.stack input:not([type=radio]) { max-width: 32rem; }
    form.stack button.primary { display: block; }
    progress { width: 100%; height: 1.2rem; }
    a.button { display: inline-block; padding: .55rem 1.4rem; border-radius: 4px; text-decoration: none; }
    a.button.primary { background: var(--accent); color: #fff; }
    p.ok { color: var(--signed); font-weight: 600; }
    section.revision td.old { color: var(--muted); text-decoration: line-through; }
    section.revision td.new { font-weight: 600; }
    p.hash { color: var(--muted); font-family: ui-monospace, monospace; font-size: .8rem; margin: .5rem 0 0; }
    h2 .badge { margin-left: .5rem; }
    h2 a.edit { margin-left: .75rem; font-size: .85rem; font-weight: 400; }
    .errors { border-color: var(--hold); background: #fef2f2; }
    .errors h2 { color: var(--hold); }
    .errors code { font-family: ui-monospace, monospace; font-size: .85rem; }
    .scroll { overflow-x: auto; }
    table.edit td { padding: .3rem .3rem; }
    table.edit input:not([type=checkbox]), table.edit select { width: 100%; min-width: 6rem; padding: .3rem .4rem; }
    table.edit select { min-width: 7.5rem; }
    table.edit td.wide { min-width: 13rem; }
    table.edit td.invalid input, table.edit td.invalid select { border: 2px solid var(--hold); background: #fff7f7; }
    table.edit tr.new-row td { background: #f8fafc; }
    .field-error { color: var(--hold); font-size: .85rem; margin: .2rem 0 0; }
    .field-conflict { color: var(--prep); font-size: .85rem; margin: .2rem 0 0; font-weight: 600; }
    label.confirm { font-weight: 600; color: var(--hold); }
    label.confirm input { width: auto; }
    p.actions { display: flex; gap: 1rem; align-items: center; }
    p.actions .primary { margin-top: 0; }
    a.button:not(.primary) { border: 1px solid var(--accent); color: var(--accent); padding: .3rem 1rem; }
    pre.message { background: #f8fafc; border: 1px solid #d5dde5; border-radius: 4px; padding: .75rem 1rem; white-space: pre-wrap; overflow-wrap: anywhere; }
    code.wrap { overflow-wrap: anywhere; }
    .badge.result-valid { background: var(--signed); }
    .badge.result-stale, .badge.result-superseded { background: var(--prep); }
    .badge.result-bad-signature, .badge.result-unknown-key, .badge.result-wrong-case, .badge.result-wrong-signer { background: var(--hold); }
    tr.changed td { background: #fff7f7; }
    #sign-confirm button { margin-right: .75rem; }
    #sign-status { white-space: pre-line; }
    #sign-status.error { color: var(--hold); font-weight: 600; }
    h1 .badge { margin-left: .6rem; vertical-align: middle; }
    #sign-status.ok { color: var(--signed); font-weight: 600; }
    @media print {
      #sign, script { display: none; }
      header.bar, footer, form.filters, .crumbs, a[rel=next] { display: none; }
      body { background: #fff; }
      main { max-width: none; margin: 0; padding: 0; }
      .card { border: 0; border-top: 1px solid #999; border-radius: 0; padding: .5rem 0; break-inside: avoid; }
      details.why { display: block; }
      details.why > * { display: block; }
      .badge { color: #000; background: none !important; border: 1px solid #000; }
      a { color: inherit; text-decoration: none; }
    }
    """#
}
