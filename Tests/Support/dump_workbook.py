#!/usr/bin/env python3
"""Dump an .xlsx workbook for termaudit's export tests, as JSON on stdout.

For every sheet: its state (visible/hidden), protection, freeze panes, autofilter, print setup
(orientation, paper size, fit to width, print title rows, footer) and every cell as
[row, col, value, data_type, number_format]. Also parses every XML part of the zip with
xml.etree (openxml-audit can miss a malformed part) and reports the parts that do not parse.

Usage: dump_workbook.py FILE.xlsx
"""
import json
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

import openpyxl


_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def excel_text(text):
    """Decode text the way Excel does (ECMA-376 ST_Xstring: `_xHHHH_` is U+HHHH); openpyxl leaves it raw."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def jsonable(v):
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if hasattr(v, "isoformat"):
        return v.isoformat()[:10] if hasattr(v, "hour") and v.hour == 0 and v.minute == 0 else v.isoformat()
    return str(v)


def main(path):
    bad_parts = []
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        for n in names:
            if n.endswith(".xml") or n.endswith(".rels"):
                try:
                    ET.fromstring(z.read(n))
                except ET.ParseError as e:
                    bad_parts.append(f"{n}: {e}")
    wb = openpyxl.load_workbook(path)
    out = {"parts": names, "bad_parts": bad_parts, "sheets": [],
           "properties": {"title": wb.properties.title, "subject": wb.properties.subject,
                          "company": None, "created": jsonable(wb.properties.created)}}
    for ws in wb.worksheets:
        cells = []
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                v = excel_text(c.value) if isinstance(c.value, str) else jsonable(c.value)
                cells.append([c.row, c.column, v, c.data_type, c.number_format])
        ps = ws.page_setup
        out["sheets"].append({
            "name": ws.title,
            "state": ws.sheet_state,
            "protected": bool(ws.protection.sheet),
            "sort_locked": bool(ws.protection.sheet and ws.protection.sort),
            "filter_locked": bool(ws.protection.sheet and ws.protection.autoFilter),
            "freeze": ws.freeze_panes,
            "autofilter": ws.auto_filter.ref,
            "orientation": ps.orientation,
            "paper": ps.paperSize,
            "fit_width": ws.page_setup.fitToWidth,
            "fit_to_page": ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None,
            "scale": ws.page_setup.scale,
            "print_title_rows": ws.print_title_rows,
            "print_title_cols": ws.print_title_cols,
            "footer": ws.oddFooter.center.text,
            "footer_left": ws.oddFooter.left.text,
            "footer_right": ws.oddFooter.right.text,
            "header_left": ws.oddHeader.left.text,
            "header_center": ws.oddHeader.center.text,
            "header_right": ws.oddHeader.right.text,
            "row_heights": {str(r): d.height for r, d in ws.row_dimensions.items() if d.height is not None},
            "row_breaks": [b.id for b in ws.row_breaks.brk],
            "conditional_formats": len(ws.conditional_formatting),
            "max_row": ws.max_row,
            "cells": cells,
        })
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])
