#!/usr/bin/env python3
"""Checks that workbooks hold the same cells: the same sheets (names, order, visibility) and, in every sheet, the
same value in every cell, with the same number format. Reads each with openpyxl (read-only).

    bench/compare.py REFERENCE.xlsx OTHER.xlsx [MORE.xlsx …]

Prints one line per workbook; exits with status 1 on the first difference found in any of them.
"""
import sys

from openpyxl import load_workbook


def cells(path):
    wb = load_workbook(path, read_only=True)
    sheets = []
    for ws in wb.worksheets:
        rows = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                rows[(c.row, c.column)] = (c.value, c.number_format)
        sheets.append((ws.title, ws.sheet_state, rows))
    wb.close()
    return sheets


def main():
    if len(sys.argv) < 3:
        raise SystemExit("usage: compare.py REFERENCE.xlsx OTHER.xlsx [MORE.xlsx …]")
    ref = cells(sys.argv[1])
    total = sum(len(r) for _, _, r in ref)
    failed = False
    for path in sys.argv[2:]:
        other = cells(path)
        problem = None
        if [(n, s) for n, s, _ in ref] != [(n, s) for n, s, _ in other]:
            problem = "sheets differ: %s vs %s" % ([(n, s) for n, s, _ in ref], [(n, s) for n, s, _ in other])
        else:
            for (name, _, a), (_, _, b) in zip(ref, other):
                if a != b:
                    keys = sorted(set(a) | set(b))
                    k = next(k for k in keys if a.get(k) != b.get(k))
                    problem = "sheet %s cell R%dC%d: %r vs %r" % (name, k[0], k[1], a.get(k), b.get(k))
                    break
        if problem:
            print("✗ %s: %s" % (path, problem))
            failed = True
        else:
            print("✓ %s: same %d cells in %d sheets as %s" % (path, total, len(ref), sys.argv[1]))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
