/*
 * bench/floor.c — the floor for termaudit's export: replays a cell dump (`termaudit export PATH --dump-cells FILE`,
 * format `termaudit-cells 2`, see Sources/TermAuditExport/DumpBackend.swift) with libxlsxwriter alone, making the
 * same calls termaudit's LxwBackend makes: the same formats, sheets, page setup, cells, column widths, autofilters,
 * conditional formats, list validations and hidden sheets, in constant_memory mode. What termaudit takes beyond
 * this is termaudit's own cost (reading YAML, the rules, the Swift wrapper).
 *
 *   cc -O2 -o floor bench/floor.c $(pkg-config --cflags --libs xlsxwriter)
 *   ./floor DUMP OUT.xlsx
 *
 * The dump is read line by line (never whole: a 100,000-case dump has gigabytes). JSON strings are decoded by a
 * small hand-written parser (\" \\ \/ \b \f \n \r \t \uXXXX with surrogate pairs); style objects have a fixed,
 * flat set of keys. Every libxlsxwriter call is checked; any error exits with status 1.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <xlsxwriter.h>

#define MAX_SHEETS 1024
#define MAX_STYLES 64

static const char *dump_path;
static long line_no;

static void die(const char *what) {
    fprintf(stderr, "floor: %s:%ld: %s\n", dump_path, line_no, what);
    exit(1);
}

static void check(lxw_error err, const char *what) {
    if (err != LXW_NO_ERROR) {
        fprintf(stderr, "floor: %s:%ld: %s: %s\n", dump_path, line_no, what, lxw_strerror(err));
        exit(1);
    }
}

/* ---- a growable byte buffer ---- */

typedef struct { char *p; size_t n, cap; } buf_t;

static void buf_put(buf_t *b, const char *s, size_t n) {
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p) die("out of memory");
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static void buf_utf8(buf_t *b, uint32_t c) {
    char t[4];
    size_t n;
    if (c < 0x80) { t[0] = (char)c; n = 1; }
    else if (c < 0x800) { t[0] = (char)(0xC0 | c >> 6); t[1] = (char)(0x80 | (c & 0x3F)); n = 2; }
    else if (c < 0x10000) { t[0] = (char)(0xE0 | c >> 12); t[1] = (char)(0x80 | ((c >> 6) & 0x3F)); t[2] = (char)(0x80 | (c & 0x3F)); n = 3; }
    else { t[0] = (char)(0xF0 | c >> 18); t[1] = (char)(0x80 | ((c >> 12) & 0x3F)); t[2] = (char)(0x80 | ((c >> 6) & 0x3F)); t[3] = (char)(0x80 | (c & 0x3F)); n = 4; }
    buf_put(b, t, n);
}

/* ---- the tiny parser ---- */

static char *skip_space(char *p) {
    while (*p == ' ') p++;
    return p;
}

static char *word(char **p) {
    char *s = skip_space(*p), *e = s;
    while (*e && *e != ' ' && *e != '\n') e++;
    if (e == s) die("missing field");
    if (*e) *e++ = 0;
    *p = e;
    return s;
}

static long integer(char **p) {
    char *end;
    long v = strtol(skip_space(*p), &end, 10);
    if (end == skip_space(*p)) die("expected an integer");
    *p = end;
    return v;
}

static double number(char **p) {
    char *end;
    double v = strtod(skip_space(*p), &end);
    if (end == skip_space(*p)) die("expected a number");
    *p = end;
    return v;
}

static unsigned hex4(const char *s) {
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else die("bad \\u escape");
    }
    return v;
}

/* Decodes the JSON string at *p into out (NUL-terminated); returns out->p. */
static char *json_string(char **p, buf_t *out) {
    char *s = skip_space(*p);
    if (*s != '"') die("expected a JSON string");
    s++;
    out->n = 0;
    buf_put(out, "", 0);
    for (;;) {
        char *run = s;
        while (*s && *s != '"' && *s != '\\') s++;
        if (s > run) buf_put(out, run, (size_t)(s - run));
        if (*s == '"') { s++; break; }
        if (*s == 0) die("unterminated JSON string");
        s++; /* backslash */
        switch (*s) {
        case '"': buf_put(out, "\"", 1); s++; break;
        case '\\': buf_put(out, "\\", 1); s++; break;
        case '/': buf_put(out, "/", 1); s++; break;
        case 'b': buf_put(out, "\b", 1); s++; break;
        case 'f': buf_put(out, "\f", 1); s++; break;
        case 'n': buf_put(out, "\n", 1); s++; break;
        case 'r': buf_put(out, "\r", 1); s++; break;
        case 't': buf_put(out, "\t", 1); s++; break;
        case 'u': {
            uint32_t c = hex4(s + 1);
            s += 5;
            if (c >= 0xD800 && c <= 0xDBFF) {
                if (s[0] != '\\' || s[1] != 'u') die("lone high surrogate");
                uint32_t lo = hex4(s + 2);
                if (lo < 0xDC00 || lo > 0xDFFF) die("bad low surrogate");
                c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
                s += 6;
            } else if (c >= 0xDC00 && c <= 0xDFFF) {
                die("lone low surrogate");
            }
            buf_utf8(out, c);
            break;
        }
        default: die("bad escape in JSON string");
        }
    }
    *p = s;
    return out->p;
}

/* ---- styles ---- */

typedef struct { char name[32]; lxw_format *format; } style_t;
static style_t styles[MAX_STYLES];
static int style_count;

static lxw_format *style_named(const char *name) {
    for (int i = 0; i < style_count; i++)
        if (strcmp(styles[i].name, name) == 0) return styles[i].format;
    die("unknown style");
    return NULL;
}

static lxw_color_t color(double v) {
    uint32_t c = (uint32_t)v;
    return c == 0 ? LXW_COLOR_BLACK : c; /* 0 means "unset" to libxlsxwriter */
}

/* A StyleSpec object: {"align":…, "backgroundColor":…, "bold":…, "border":…, "fontColor":…, "fontName":…,
 * "fontSize":…, "italic":…, "locked":…, "numberFormat":…, "valignCenter":…, "valignTop":…, "wrap":…}.
 * Applied in the order of XlsxWriter's FormatSpec.apply. */
static void define_style(lxw_workbook *wb, const char *name, char *p) {
    static buf_t key, sval;
    int bold = 0, italic = 0, border = 0, wrap = 0, locked = 1, vtop = 0, vcenter = 0;
    int has_font = 0, has_size = 0, has_fc = 0, has_bg = 0, has_align = 0, has_nf = 0;
    char font[64] = "", align[16] = "", numfmt[128] = "";
    double size = 0, fc = 0, bg = 0;
    p = skip_space(p);
    if (*p++ != '{') die("expected a style object");
    for (;;) {
        p = skip_space(p);
        if (*p == '}') break;
        json_string(&p, &key);
        p = skip_space(p);
        if (*p++ != ':') die("expected ':'");
        p = skip_space(p);
        int bv = -1;
        double nv = 0;
        const char *sv = NULL;
        if (*p == '"') sv = json_string(&p, &sval);
        else if (strncmp(p, "true", 4) == 0) { bv = 1; p += 4; }
        else if (strncmp(p, "false", 5) == 0) { bv = 0; p += 5; }
        else if (strncmp(p, "null", 4) == 0) { p += 4; }
        else nv = number(&p);
        const char *k = key.p;
        if (!strcmp(k, "bold")) bold = bv == 1;
        else if (!strcmp(k, "italic")) italic = bv == 1;
        else if (!strcmp(k, "border")) border = bv == 1;
        else if (!strcmp(k, "wrap")) wrap = bv == 1;
        else if (!strcmp(k, "locked")) locked = bv != 0;
        else if (!strcmp(k, "valignTop")) vtop = bv == 1;
        else if (!strcmp(k, "valignCenter")) vcenter = bv == 1;
        else if (!strcmp(k, "fontName") && sv) { has_font = 1; snprintf(font, sizeof font, "%s", sv); }
        else if (!strcmp(k, "align") && sv) { has_align = 1; snprintf(align, sizeof align, "%s", sv); }
        else if (!strcmp(k, "numberFormat") && sv) { has_nf = 1; snprintf(numfmt, sizeof numfmt, "%s", sv); }
        else if (!strcmp(k, "fontSize")) { has_size = 1; size = nv; }
        else if (!strcmp(k, "fontColor")) { has_fc = 1; fc = nv; }
        else if (!strcmp(k, "backgroundColor")) { has_bg = 1; bg = nv; }
        else die("unknown style key");
        p = skip_space(p);
        if (*p == ',') p++;
    }
    if (style_count == MAX_STYLES) die("too many styles");
    lxw_format *f = workbook_add_format(wb);
    if (!f) die("workbook_add_format failed");
    if (bold) format_set_bold(f);
    if (italic) format_set_italic(f);
    if (has_font) format_set_font_name(f, font);
    if (has_size) format_set_font_size(f, size);
    if (has_fc) format_set_font_color(f, color(fc));
    if (has_bg) { format_set_pattern(f, LXW_PATTERN_SOLID); format_set_bg_color(f, color(bg)); }
    if (border) format_set_border(f, LXW_BORDER_THIN);
    if (has_align) {
        if (!strcmp(align, "left")) format_set_align(f, LXW_ALIGN_LEFT);
        else if (!strcmp(align, "center")) format_set_align(f, LXW_ALIGN_CENTER);
        else if (!strcmp(align, "right")) format_set_align(f, LXW_ALIGN_RIGHT);
    }
    if (vtop) format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    else if (vcenter) format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    if (wrap) format_set_text_wrap(f);
    if (has_nf) format_set_num_format(f, numfmt);
    if (!locked) format_set_unlocked(f);
    snprintf(styles[style_count].name, sizeof styles[style_count].name, "%s", name);
    styles[style_count++].format = f;
}

/* ---- sheets ---- */

static lxw_worksheet *sheets[MAX_SHEETS];
static char *sheet_names[MAX_SHEETS];
static int sheet_count;

static lxw_worksheet *sheet(long h) {
    if (h < 0 || h >= sheet_count) die("unknown sheet handle");
    return sheets[h];
}

static void column_name(long col, char *out) {
    char t[8];
    int n = 0;
    long c = col + 1;
    while (c > 0) { t[n++] = (char)('A' + (c - 1) % 26); c = (c - 1) / 26; }
    for (int i = 0; i < n; i++) out[i] = t[n - 1 - i];
    out[n] = 0;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: floor DUMP OUT.xlsx\n");
        return 2;
    }
    dump_path = argv[1];
    FILE *in = fopen(argv[1], "r");
    if (!in) { perror(argv[1]); return 1; }
    static buf_t text, text2;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;

    /* Header and properties. */
    line_no = 1;
    if ((len = getline(&line, &cap, in)) < 0 || strncmp(line, "termaudit-cells 2", 17) != 0) die("not a termaudit-cells 2 dump");
    lxw_workbook_options options = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_FALSE};
    lxw_workbook *wb = workbook_new_opt(argv[2], &options);
    if (!wb) die("workbook_new_opt failed");
    int done = 0;

    while (!done && (len = getline(&line, &cap, in)) >= 0) {
        line_no++;
        if (len > 0 && line[len - 1] == '\n') line[--len] = 0;
        char *p = line;
        char *cmd = word(&p);
        switch (cmd[0]) {
        case 's':
            if (cmd[1] == 0) { /* s handle row col style json-text */
                long h = integer(&p), row = integer(&p), col = integer(&p);
                lxw_format *f = style_named(word(&p));
                check(worksheet_write_string(sheet(h), (lxw_row_t)row, (lxw_col_t)col, json_string(&p, &text), f), "write string");
                continue;
            }
            if (!strcmp(cmd, "style")) {
                char *name = word(&p);
                define_style(wb, name, p);
                continue;
            }
            if (!strcmp(cmd, "sheet")) {
                long h = integer(&p);
                if (h != sheet_count || h >= MAX_SHEETS) die("sheet handles must count up from 0");
                char *name = json_string(&p, &text);
                sheets[h] = workbook_add_worksheet(wb, name);
                if (!sheets[h]) die("workbook_add_worksheet failed");
                sheet_names[h] = strdup(name);
                sheet_count++;
                continue;
            }
            if (!strcmp(cmd, "setup")) { /* setup handle landscape freeze repeat protect json-footer json-header */
                lxw_worksheet *ws = sheet(integer(&p));
                long landscape = integer(&p), freeze = integer(&p), repeat = integer(&p), protect = integer(&p);
                worksheet_set_paper(ws, 9); /* A4 */
                if (landscape) worksheet_set_landscape(ws);
                check(worksheet_set_footer(ws, json_string(&p, &text)), "set footer");
                check(worksheet_set_header(ws, json_string(&p, &text2)), "set header");
                if (freeze) worksheet_freeze_panes(ws, 1, 0);
                if (repeat) check(worksheet_repeat_rows(ws, 0, 0), "repeat rows");
                if (protect) {   /* as termaudit: readers may still sort and filter */
                    lxw_protection po;
                    memset(&po, 0, sizeof po);
                    po.sort = 1;
                    po.autofilter = 1;
                    worksheet_protect(ws, NULL, &po);
                }
                continue;
            }
            break;
        case 'n':
            if (cmd[1] == 0) {
                long h = integer(&p), row = integer(&p), col = integer(&p);
                lxw_format *f = style_named(word(&p));
                check(worksheet_write_number(sheet(h), (lxw_row_t)row, (lxw_col_t)col, number(&p), f), "write number");
                continue;
            }
            break;
        case 'd':
            if (cmd[1] == 0) {
                long h = integer(&p), row = integer(&p), col = integer(&p);
                lxw_format *f = style_named(word(&p));
                char *iso = word(&p);
                lxw_datetime dt = {0};
                if (sscanf(iso, "%d-%d-%d", &dt.year, &dt.month, &dt.day) != 3) die("bad date");
                check(worksheet_write_datetime(sheet(h), (lxw_row_t)row, (lxw_col_t)col, &dt, f), "write date");
                continue;
            }
            break;
        case 'b':
            if (!strcmp(cmd, "breaks")) { /* breaks handle count row… (a page starts before each row) */
                lxw_worksheet *ws = sheet(integer(&p));
                long n = integer(&p);
                if (n < 1 || n > 1023) die("bad page break count");
                lxw_row_t rows[1024];
                for (long i = 0; i < n; i++) rows[i] = (lxw_row_t)integer(&p);
                rows[n] = 0;
                check(worksheet_set_h_pagebreaks(ws, rows), "page breaks");
                continue;
            }
            if (cmd[1] == 0) {
                long h = integer(&p), row = integer(&p), col = integer(&p);
                lxw_format *f = style_named(word(&p));
                check(worksheet_write_blank(sheet(h), (lxw_row_t)row, (lxw_col_t)col, f), "write blank");
                continue;
            }
            break;
        case 'p':
            if (!strcmp(cmd, "page")) { /* page handle fit scale repeat_cols: printing across pages */
                lxw_worksheet *ws = sheet(integer(&p));
                long fit = integer(&p), scale = integer(&p), repeat_cols = integer(&p);
                if (fit) worksheet_fit_to_pages(ws, 1, 0);
                else if (scale != 100) worksheet_set_print_scale(ws, (uint16_t)scale);
                if (repeat_cols > 0) check(worksheet_repeat_columns(ws, 0, (lxw_col_t)(repeat_cols - 1)), "repeat columns");
                continue;
            }
            if (!strcmp(cmd, "props")) { /* {"comments","company","created","subject","title"} */
                static buf_t key, val[5];
                const char *names[5] = {"title", "subject", "company", "comments", "created"};
                p = skip_space(p);
                if (*p++ != '{') die("expected the properties object");
                for (;;) {
                    p = skip_space(p);
                    if (*p == '}') break;
                    json_string(&p, &key);
                    p = skip_space(p);
                    if (*p++ != ':') die("expected ':'");
                    int slot = -1;
                    for (int i = 0; i < 5; i++) if (!strcmp(key.p, names[i])) slot = i;
                    if (slot < 0) die("unknown property");
                    json_string(&p, &val[slot]);
                    p = skip_space(p);
                    if (*p == ',') p++;
                }
                struct tm tm = {0};
                if (!val[4].p || sscanf(val[4].p, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3) die("bad created date");
                tm.tm_year -= 1900;
                tm.tm_mon -= 1;
                tm.tm_hour = 12; /* as LxwBackend: noon UTC of the reference date */
                lxw_doc_properties props = {0};
                props.title = val[0].p;
                props.subject = val[1].p;
                props.author = "termaudit";
                props.company = val[2].p;
                props.comments = val[3].p;
                props.created = timegm(&tm);
                check(workbook_set_properties(wb, &props), "set properties");
                continue;
            }
            break;
        case 'w':
            if (!strcmp(cmd, "width")) { /* width handle col width hidden */
                lxw_worksheet *ws = sheet(integer(&p));
                long col = integer(&p);
                double w = number(&p);
                lxw_row_col_options o = {.hidden = (uint8_t)integer(&p), .level = 0, .collapsed = 0};
                check(worksheet_set_column_opt(ws, (lxw_col_t)col, (lxw_col_t)col, w, NULL, &o), "set column");
                continue;
            }
            break;
        case 'f':
            if (!strcmp(cmd, "filter")) {
                lxw_worksheet *ws = sheet(integer(&p));
                long last_row = integer(&p), last_col = integer(&p);
                if (last_row < 0) last_row = 0;
                check(worksheet_autofilter(ws, 0, 0, (lxw_row_t)last_row, (lxw_col_t)last_col), "autofilter");
                continue;
            }
            break;
        case 'c':
            if (!strcmp(cmd, "cf")) { /* cf handle last_row last_col style json-formula */
                lxw_worksheet *ws = sheet(integer(&p));
                long last_row = integer(&p), last_col = integer(&p);
                lxw_format *f = style_named(word(&p));
                lxw_conditional_format cf = {0};
                cf.type = LXW_CONDITIONAL_TYPE_FORMULA;
                cf.value_string = json_string(&p, &text);
                cf.format = f;
                check(worksheet_conditional_format_range(ws, 1, 0, (lxw_row_t)last_row, (lxw_col_t)last_col, &cf), "conditional format");
                continue;
            }
            break;
        case 'l':
            if (!strcmp(cmd, "list")) { /* list handle col last_row json-list-sheet list_col count */
                lxw_worksheet *ws = sheet(integer(&p));
                long col = integer(&p), last_row = integer(&p);
                const char *src = json_string(&p, &text);
                long list_col = integer(&p), count = integer(&p);
                const char *target = NULL;
                for (int i = 0; i < sheet_count; i++) if (!strcasecmp(sheet_names[i], src)) target = sheet_names[i];
                if (!target) die("list validation names an unknown sheet");
                char letters[8];
                column_name(list_col, letters);
                text2.n = 0;
                buf_put(&text2, "='", 2);
                for (const char *c = target; *c; c++) {
                    buf_put(&text2, c, 1);
                    if (*c == '\'') buf_put(&text2, c, 1); /* ' → '' */
                }
                char ref[64];
                long last = count > 0 ? count - 1 : 0;
                if (last == 0) snprintf(ref, sizeof ref, "'!$%s$1", letters);
                else snprintf(ref, sizeof ref, "'!$%s$1:$%s$%ld", letters, letters, last + 1);
                buf_put(&text2, ref, strlen(ref));
                lxw_data_validation dv = {0};
                dv.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
                dv.value_formula = text2.p;
                check(worksheet_data_validation_range(ws, 1, (lxw_col_t)col, (lxw_row_t)last_row, (lxw_col_t)col, &dv), "list validation");
                continue;
            }
            break;
        case 'h':
            if (!strcmp(cmd, "hlist")) { /* hlist handle col first_row last_row json-list-sheet list_row first_list_col last_list_col */
                lxw_worksheet *ws = sheet(integer(&p));
                long col = integer(&p), first = integer(&p), last_row = integer(&p);
                const char *src = json_string(&p, &text);
                long list_row = integer(&p), c0 = integer(&p), c1 = integer(&p);
                const char *target = NULL;
                for (int i = 0; i < sheet_count; i++) if (!strcasecmp(sheet_names[i], src)) target = sheet_names[i];
                if (!target) die("list validation names an unknown sheet");
                char a[8], b[8];
                column_name(c0, a);
                column_name(c1, b);
                text2.n = 0;
                buf_put(&text2, "='", 2);
                for (const char *c = target; *c; c++) {
                    buf_put(&text2, c, 1);
                    if (*c == '\'') buf_put(&text2, c, 1);
                }
                char ref[64];
                if (c0 == c1) snprintf(ref, sizeof ref, "'!$%s$%ld", a, list_row + 1);
                else snprintf(ref, sizeof ref, "'!$%s$%ld:$%s$%ld", a, list_row + 1, b, list_row + 1);
                buf_put(&text2, ref, strlen(ref));
                lxw_data_validation dv = {0};
                dv.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
                dv.value_formula = text2.p;
                check(worksheet_data_validation_range(ws, (lxw_row_t)first, (lxw_col_t)col, (lxw_row_t)last_row, (lxw_col_t)col, &dv), "row list validation");
                continue;
            }
            if (!strcmp(cmd, "height")) { /* height handle row points */
                lxw_worksheet *ws = sheet(integer(&p));
                long row = integer(&p);
                check(worksheet_set_row(ws, (lxw_row_t)row, number(&p), NULL), "set row");
                continue;
            }
            if (!strcmp(cmd, "hide")) {
                worksheet_hide(sheet(integer(&p)));
                continue;
            }
            break;
        case 'e':
            if (!strcmp(cmd, "end")) { done = 1; continue; }
            break;
        }
        die("unknown line");
    }
    if (!done) die("the dump ends without `end`");
    free(line);
    fclose(in);
    check(workbook_close(wb), "close");
    return 0;
}
