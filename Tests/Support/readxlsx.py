#!/usr/bin/env python3
"""Print what an .xlsx file contains as JSON, for the XlsxWriter tests.

Usage: readxlsx.py FILE.xlsx

Text cells are decoded the way Excel decodes them (ECMA-376 ST_Xstring: every `_xHHHH_` is the
character U+HHHH, so `_x005F_` is `_`). openpyxl 3.1 does not do this: it drops `x005F_` from
shared strings and leaves inline strings raw, so a literal `_x0041_` written unescaped would look
correct in openpyxl but read as `A` in Excel. We therefore take the raw text and decode it here.
"""
import json
import re
import sys

import openpyxl
import openpyxl.reader.excel as excel_reader
from openpyxl.cell.text import Text
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def excel_unescape(text):
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def raw_string_table(xml_source):
    """Like openpyxl's read_string_table, but without its partial `x005F_` unescaping."""
    strings = []
    tag = "{%s}si" % SHEET_MAIN_NS
    for _, node in iterparse(xml_source):
        if node.tag == tag:
            strings.append(Text.from_tree(node).content)
            node.clear()
    return strings


excel_reader.read_string_table = raw_string_table


def jsonable(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def color(c):
    if c is None or c.type != "rgb":
        return None
    return c.rgb


def header_part(hf, part):
    p = getattr(hf, part)
    return p.text if p is not None and p.text is not None else None


def sheet_info(wb, ws, index):
    cells = []
    # Only the cells stored in the file (iter_rows would walk the whole used rectangle).
    for c in sorted(ws._cells.values(), key=lambda c: (c.row, c.column)):
        if c.value is None and c.data_type == "n" and not c.has_style:
            continue
        value = c.value
        if c.data_type == "s" and isinstance(value, str):
            value = excel_unescape(value)
        cells.append({
            "ref": c.coordinate,
            "row": c.row,
            "col": c.column,
            "value": jsonable(value),
            "data_type": c.data_type,
            "number_format": c.number_format,
            "bold": bool(c.font.b),
            "italic": bool(c.font.i),
            "font_size": c.font.sz,
            "font_color": color(c.font.color),
            "fill": color(c.fill.fgColor) if c.fill.fill_type == "solid" else None,
            "locked": c.protection.locked,
            "wrap": bool(c.alignment.wrap_text),
            "horizontal": c.alignment.horizontal,
        })
    widths = {}
    hidden_cols = []
    for key, dim in ws.column_dimensions.items():
        if dim.customWidth or dim.width:
            widths[key] = dim.width
        if dim.hidden:
            hidden_cols.append(key)
    ps = ws.page_setup
    validations = []
    for dv in ws.data_validations.dataValidation:
        validations.append({
            "type": dv.type,
            "formula1": dv.formula1,
            "sqref": str(dv.sqref),
            "prompt_title": dv.promptTitle,
            "prompt": dv.prompt,
            "error_title": dv.errorTitle,
            "error": dv.error,
        })
    conditionals = []
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            conditionals.append({"sqref": str(cf.sqref), "type": rule.type, "formulas": list(rule.formula or [])})
    return {
        "title": ws.title,
        "state": ws.sheet_state,
        "active": wb.index(wb.active) == index,
        "freeze_panes": ws.freeze_panes,
        "max_row": ws.max_row,
        "cells": cells,
        "column_widths": widths,
        "hidden_columns": hidden_cols,
        "auto_filter": ws.auto_filter.ref,
        "print": {
            "orientation": ps.orientation,
            "paper_size": ps.paperSize,
            # An absent fitToWidth / fitToHeight means 1 (ECMA-376 default).
            "fit_to_width": 1 if ps.fitToWidth is None else ps.fitToWidth,
            "fit_to_height": 1 if ps.fitToHeight is None else ps.fitToHeight,
            "fit_to_page": bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
            "title_rows": ws.print_title_rows,
            "header_center": header_part(ws.oddHeader, "center"),
            "footer_center": header_part(ws.oddFooter, "center"),
        },
        "protection": {"sheet": bool(ws.protection.sheet), "password": ws.protection.password},
        "data_validations": validations,
        "conditional_formats": conditionals,
    }


def main():
    wb = openpyxl.load_workbook(sys.argv[1])
    p = wb.properties
    out = {
        "sheets": [sheet_info(wb, ws, i) for i, ws in enumerate(wb.worksheets)],
        "active_index": wb.index(wb.active),
        "properties": {
            "title": p.title,
            "subject": p.subject,
            "creator": p.creator,
            "description": p.description,
            "created": jsonable(p.created),
        },
    }
    sys.stdout.write(json.dumps(out, ensure_ascii=True))


if __name__ == "__main__":
    main()
