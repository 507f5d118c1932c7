#!/usr/bin/env python3
"""The peers: replays a termaudit cell dump (format `termaudit-cells 2`, see
Sources/TermAuditExport/DumpBackend.swift) with a Python library, writing the same cells with the same formats
and sheet setup as `termaudit export`:

    bench/peers.py xlsxwriter DUMP OUT.xlsx   # XlsxWriter, constant_memory mode
    bench/peers.py openpyxl DUMP OUT.xlsx     # openpyxl, write-only mode

Each library is used the way its documentation recommends for large files. The dump is streamed line by line.
openpyxl's write-only sheets need column widths and frozen panes before the first row; the widths are at the end
of the dump, so they are read first from its last megabyte (cheap, and counted in the time).
"""
import datetime
import json
import os
import sys



def two_json(text):
    """Two JSON values separated by a space (the footer and the header of a `setup` record)."""
    decoder = json.JSONDecoder()
    first, end = decoder.raw_decode(text)
    second, _ = decoder.raw_decode(text[end:].lstrip())
    return first, second

def parse_created(iso):
    y, m, d = (int(x) for x in iso.split("-"))
    return datetime.datetime(y, m, d, 12, 0, 0)


def hex_color(v):
    return "%06X" % int(v)


class Dump:
    """Iterates the records of a dump: (command, rest of the line)."""

    def __init__(self, path):
        self.path = path

    def __iter__(self):
        with open(self.path, "r", encoding="utf-8", newline="\n") as f:
            if not f.readline().startswith("termaudit-cells 2"):
                raise SystemExit("%s: not a termaudit-cells 2 dump" % self.path)
            for line in f:
                line = line[:-1] if line.endswith("\n") else line
                cmd, _, rest = line.partition(" ")
                yield cmd, rest

    def tail_widths(self):
        """The `width` records, read from the end of the file: {sheet: [(col, width, hidden)]}."""
        size = os.path.getsize(self.path)
        with open(self.path, "rb") as f:
            f.seek(max(0, size - (1 << 20)))
            chunk = f.read().decode("utf-8", errors="replace").split("\n")
        if size > (1 << 20):
            chunk = chunk[1:]  # a partial first line
        widths = {}
        for line in chunk:
            if line.startswith("width "):
                _, h, col, w, hidden = line.split(" ")
                widths.setdefault(int(h), []).append((int(col), float(w), hidden == "1"))
        return widths


# ---- XlsxWriter ------------------------------------------------------------------------------------------------

def run_xlsxwriter(dump, out):
    import xlsxwriter

    wb = xlsxwriter.Workbook(out, {"constant_memory": True})
    formats, sheets, names = {}, [], []
    for cmd, rest in dump:
        if cmd in ("s", "n", "d", "b"):
            if cmd == "b":
                h, row, col, style = rest.split(" ")
                sheets[int(h)].write_blank(int(row), int(col), None, formats[style])
                continue
            h, row, col, style, value = rest.split(" ", 4)
            ws, r, c, f = sheets[int(h)], int(row), int(col), formats[style]
            if cmd == "s":
                ws.write_string(r, c, json.loads(value), f)
            elif cmd == "n":
                ws.write_number(r, c, float(value), f)
            else:
                y, m, d = value.split("-")
                ws.write_datetime(r, c, datetime.date(int(y), int(m), int(d)), f)
        elif cmd == "style":
            name, spec = rest.split(" ", 1)
            s = json.loads(spec)
            props = {}
            if s.get("bold"): props["bold"] = True
            if s.get("italic"): props["italic"] = True
            if s.get("fontName"): props["font_name"] = s["fontName"]
            if s.get("fontSize"): props["font_size"] = s["fontSize"]
            if "fontColor" in s: props["font_color"] = "#" + hex_color(s["fontColor"])
            if "backgroundColor" in s:
                props["pattern"] = 1
                props["bg_color"] = "#" + hex_color(s["backgroundColor"])
            if s.get("border"): props["border"] = 1
            if s.get("align"): props["align"] = s["align"]
            if s.get("valignTop"): props["valign"] = "top"
            elif s.get("valignCenter"): props["valign"] = "vcenter"
            if s.get("wrap"): props["text_wrap"] = True
            if s.get("numberFormat"): props["num_format"] = s["numberFormat"]
            if s.get("locked") is False: props["locked"] = False
            formats[name] = wb.add_format(props)
        elif cmd == "props":
            p = json.loads(rest)
            wb.set_properties({"title": p["title"], "subject": p["subject"], "author": "termaudit", "company": p["company"],
                               "comments": p["comments"], "created": parse_created(p["created"])})
        elif cmd == "sheet":
            h, name = rest.split(" ", 1)
            names.append(json.loads(name))
            sheets.append(wb.add_worksheet(names[-1]))
        elif cmd == "setup":
            h, landscape, freeze, repeat, protect, texts = rest.split(" ", 5)
            footer, header = two_json(texts)
            ws = sheets[int(h)]
            ws.set_paper(9)
            if landscape == "1": ws.set_landscape()
            ws.set_footer(footer)
            ws.set_header(header)
            if freeze == "1": ws.freeze_panes(1, 0)
            if repeat == "1": ws.repeat_rows(0)
            if protect == "1": ws.protect()
        elif cmd == "width":
            h, col, w, hidden = rest.split(" ")
            sheets[int(h)].set_column(int(col), int(col), float(w), None, {"hidden": hidden == "1"})
        elif cmd == "filter":
            h, last_row, last_col = (int(x) for x in rest.split(" "))
            sheets[h].autofilter(0, 0, max(last_row, 0), last_col)
        elif cmd == "cf":
            h, last_row, last_col, style, formula = rest.split(" ", 4)
            sheets[int(h)].conditional_format(1, 0, int(last_row), int(last_col),
                                              {"type": "formula", "criteria": json.loads(formula), "format": formats[style]})
        elif cmd == "list":
            h, col, last_row, rest2 = rest.split(" ", 3)
            src, list_col, count = rest2.rsplit(" ", 2)
            target = next(n for n in names if n.lower() == json.loads(src).lower())
            letters = xlsxwriter.utility.xl_col_to_name(int(list_col))
            last = max(int(count) - 1, 0)
            ref = "$%s$1" % letters if last == 0 else "$%s$1:$%s$%d" % (letters, letters, last + 1)
            sheets[int(h)].data_validation(1, int(col), int(last_row), int(col),
                                           {"validate": "list", "source": "='%s'!%s" % (target.replace("'", "''"), ref)})
        elif cmd == "hlist":
            h, col, first, last_row, rest2 = rest.split(" ", 4)
            src, list_row, c0, c1 = rest2.rsplit(" ", 3)
            target = next(n for n in names if n.lower() == json.loads(src).lower())
            a, b = xlsxwriter.utility.xl_col_to_name(int(c0)), xlsxwriter.utility.xl_col_to_name(int(c1))
            r = int(list_row) + 1
            ref = "$%s$%d" % (a, r) if a == b else "$%s$%d:$%s$%d" % (a, r, b, r)
            sheets[int(h)].data_validation(int(first), int(col), int(last_row), int(col),
                                           {"validate": "list", "source": "='%s'!%s" % (target.replace("'", "''"), ref)})
        elif cmd == "page":
            h, fit, scale, repeat_cols = (int(x) for x in rest.split(" "))
            if fit: sheets[h].fit_to_pages(1, 0)
            elif scale != 100: sheets[h].set_print_scale(scale)
            if repeat_cols > 0: sheets[h].repeat_columns(0, repeat_cols - 1)
        elif cmd == "height":
            h, row, pts = rest.split(" ")
            sheets[int(h)].set_row(int(row), float(pts))
        elif cmd == "breaks":
            numbers = [int(x) for x in rest.split(" ")]
            sheets[numbers[0]].set_h_pagebreaks(numbers[2:])
        elif cmd == "hide":
            sheets[int(rest)].hide()
        elif cmd == "end":
            break
        else:
            raise SystemExit("unknown record %r" % cmd)
    wb.close()


# ---- openpyxl --------------------------------------------------------------------------------------------------

def run_openpyxl(dump, out):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.styles.differential import DifferentialStyle
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.header_footer import _split_string

    widths = dump.tail_widths()
    wb = Workbook(write_only=True)
    styles, dxfs, sheets, names, next_row = {}, {}, [], [], []
    thin = Side(style="thin")
    pending = [None, None, []]  # sheet, row, cells

    def flush():
        h, row, cells = pending
        if h is None:
            return
        ws = sheets[h]
        while next_row[h] < row:
            ws.append([])
            next_row[h] += 1
        ws.append(cells)
        next_row[h] += 1
        pending[0], pending[1], pending[2] = None, None, []

    def cell(h, row, col, value, style):
        if pending[0] != h or pending[1] != row:
            flush()
            pending[0], pending[1] = h, row
        cells = pending[2]
        while len(cells) < col:
            cells.append(None)
        c = WriteOnlyCell(sheets[h], value=value)
        if isinstance(value, str) and value.startswith("="):
            c.data_type = "s"  # text, not a formula
        font, fill, border, alignment, number_format, protection = styles[style]
        c.font = font
        if fill is not None: c.fill = fill
        if border is not None: c.border = border
        if alignment is not None: c.alignment = alignment
        if number_format is not None: c.number_format = number_format
        if protection is not None: c.protection = protection
        cells.append(c)

    for cmd, rest in dump:
        if cmd in ("s", "n", "d", "b"):
            if cmd == "b":
                h, row, col, style = rest.split(" ")
                cell(int(h), int(row), int(col), None, style)
                continue
            h, row, col, style, value = rest.split(" ", 4)
            if cmd == "s":
                v = json.loads(value)
            elif cmd == "n":
                v = float(value)
            else:
                y, m, d = value.split("-")
                v = datetime.date(int(y), int(m), int(d))
            cell(int(h), int(row), int(col), v, style)
        elif cmd == "style":
            name, spec = rest.split(" ", 1)
            s = json.loads(spec)
            color = hex_color(s["fontColor"]) if "fontColor" in s else None
            font = Font(name=s.get("fontName") or "Calibri", sz=s.get("fontSize") or 11, b=bool(s.get("bold")),
                        i=bool(s.get("italic")), color=color)
            fill = PatternFill(fill_type="solid", fgColor=hex_color(s["backgroundColor"])) if "backgroundColor" in s else None
            border = Border(left=thin, right=thin, top=thin, bottom=thin) if s.get("border") else None
            vertical = "top" if s.get("valignTop") else ("center" if s.get("valignCenter") else None)
            alignment = (Alignment(horizontal=s.get("align"), vertical=vertical, wrap_text=bool(s.get("wrap")) or None)
                         if s.get("align") or vertical or s.get("wrap") else None)
            protection = Protection(locked=False) if s.get("locked") is False else None
            styles[name] = (font, fill, border, alignment, s.get("numberFormat"), protection)
            dxfs[name] = DifferentialStyle(font=Font(color=color) if color else None,
                                           fill=PatternFill(bgColor=hex_color(s["backgroundColor"])) if "backgroundColor" in s else None)
        elif cmd == "props":
            p = json.loads(rest)
            wb.properties.title, wb.properties.subject = p["title"], p["subject"]
            wb.properties.creator, wb.properties.description = "termaudit", p["comments"]
            wb.properties.created = parse_created(p["created"])
        elif cmd == "sheet":
            h, name = rest.split(" ", 1)
            names.append(json.loads(name))
            ws = wb.create_sheet(names[-1])
            for col, w, hidden in widths.get(int(h), []):
                d = ws.column_dimensions[get_column_letter(col + 1)]
                d.width, d.hidden = w, hidden
            sheets.append(ws)
            next_row.append(0)
        elif cmd == "setup":
            h, landscape, freeze, repeat, protect, texts = rest.split(" ", 5)
            footer, header = two_json(texts)
            ws = sheets[int(h)]
            ws.page_setup.paperSize = 9
            if landscape == "1": ws.page_setup.orientation = "landscape"
            for part, text in _split_string(footer).items():  # &L… &C… &R…
                if text is not None:
                    getattr(ws.oddFooter, part).text = text
            for part, text in _split_string(header).items():
                if text is not None:
                    getattr(ws.oddHeader, part).text = text
            if freeze == "1": ws.freeze_panes = "A2"
            if repeat == "1": ws.print_title_rows = "1:1"
            if protect == "1": ws.protection.sheet = True
        elif cmd == "width":
            pass  # applied when the sheet was created
        elif cmd == "filter":
            flush()
            h, last_row, last_col = (int(x) for x in rest.split(" "))
            sheets[h].auto_filter.ref = "A1:%s%d" % (get_column_letter(last_col + 1), max(last_row, 0) + 1)
        elif cmd == "cf":
            flush()
            h, last_row, last_col, style, formula = rest.split(" ", 4)
            rng = "A2:%s%d" % (get_column_letter(int(last_col) + 1), int(last_row) + 1)
            dxf = dxfs[style]
            sheets[int(h)].conditional_formatting.add(rng, FormulaRule(formula=[json.loads(formula)[1:]], font=dxf.font, fill=dxf.fill))
        elif cmd == "list":
            flush()
            h, col, last_row, rest2 = rest.split(" ", 3)
            src, list_col, count = rest2.rsplit(" ", 2)
            target = next(n for n in names if n.lower() == json.loads(src).lower())
            letters = get_column_letter(int(list_col) + 1)
            last = max(int(count) - 1, 0)
            ref = "$%s$1" % letters if last == 0 else "$%s$1:$%s$%d" % (letters, letters, last + 1)
            dv = DataValidation(type="list", formula1="'%s'!%s" % (target.replace("'", "''"), ref))
            col_letter = get_column_letter(int(col) + 1)
            dv.add("%s2:%s%d" % (col_letter, col_letter, int(last_row) + 1))
            sheets[int(h)].data_validations.append(dv)
        elif cmd == "hlist":
            flush()
            h, col, first, last_row, rest2 = rest.split(" ", 4)
            src, list_row, c0, c1 = rest2.rsplit(" ", 3)
            target = next(n for n in names if n.lower() == json.loads(src).lower())
            a, b = get_column_letter(int(c0) + 1), get_column_letter(int(c1) + 1)
            r = int(list_row) + 1
            ref = "$%s$%d" % (a, r) if a == b else "$%s$%d:$%s$%d" % (a, r, b, r)
            dv = DataValidation(type="list", formula1="'%s'!%s" % (target.replace("'", "''"), ref))
            col_letter = get_column_letter(int(col) + 1)
            dv.add("%s%d:%s%d" % (col_letter, int(first) + 1, col_letter, int(last_row) + 1))
            sheets[int(h)].data_validations.append(dv)
        elif cmd == "page":
            h, fit, scale, repeat_cols = (int(x) for x in rest.split(" "))
            ws = sheets[h]
            if fit:
                ws.sheet_properties.pageSetUpPr.fitToPage = True
                ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
            elif scale != 100:
                ws.page_setup.scale = scale
            if repeat_cols > 0: ws.print_title_cols = "A:%s" % get_column_letter(repeat_cols)
        elif cmd == "height":
            h, row, pts = rest.split(" ")
            sheets[int(h)].row_dimensions[int(row) + 1].height = float(pts)
        elif cmd == "breaks":
            from openpyxl.worksheet.pagebreak import Break
            numbers = [int(x) for x in rest.split(" ")]
            for r in numbers[2:]:
                sheets[numbers[0]].row_breaks.append(Break(id=r))
        elif cmd == "hide":
            sheets[int(rest)].sheet_state = "hidden"
        elif cmd == "end":
            break
        else:
            raise SystemExit("unknown record %r" % cmd)
    flush()
    wb.save(out)


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("xlsxwriter", "openpyxl"):
        raise SystemExit("usage: peers.py xlsxwriter|openpyxl DUMP OUT.xlsx")
    dump = Dump(sys.argv[2])
    (run_xlsxwriter if sys.argv[1] == "xlsxwriter" else run_openpyxl)(dump, sys.argv[3])


if __name__ == "__main__":
    main()
