/* The record schema of report/fields.h as text fields (CSV, tests). */
#include <string.h>

#include "report/fields.h"
#include "report/sink.h"
#include "util/digits.h"
#include "util/timefmt.h"

#define FIELD_NAME_(name, ...) #name,
const char *const field_names[NFIELDS_MAX] = {
	RECORD_FIELDS(FIELD_NAME_)
	PROBE_FIELDS(FIELD_NAME_)
};
#undef FIELD_NAME_

/* Each TYPE of report/fields.h as a field; absent is FK_NULL. */
static void
f_NUM(struct field *f, int64_t v)
{
	f->kind = FK_NUM;
	f->text = f->val;
	*put_i64(f->val, v) = '\0';
}

static void
f_OPT(struct field *f, int64_t v)
{
	if (v >= 0)
		f_NUM(f, v);
}

static void
f_MS(struct field *f, int64_t us)
{
	char *p;

	if (us < 0)
		return;
	f->kind = FK_NUM;
	f->text = f->val;
	p = put_u64(f->val, (uint64_t)(us / 1000));
	*p++ = '.';
	*p++ = (char)('0' + us % 1000 / 100);
	p = put2(p, (unsigned)(us % 100));
	*p = '\0';
}

static void
f_WORD(struct field *f, const char *s)
{
	f->kind = FK_WORD;
	f->text = s;
}

static void
f_WORD_OPT(struct field *f, const char *s)
{
	if (s != NULL)
		f_WORD(f, s);
}

static void
f_STR_OPT(struct field *f, const char *s)
{
	if (s != NULL) {
		f->kind = FK_STR;
		f->text = s;
	}
}

static void
f_TEXT_IF(struct field *f, bool c, const char *s)
{
	if (c)
		f_STR_OPT(f, s);
}

static void
f_BOOL_IF(struct field *f, bool c, bool v)
{
	if (c) {
		f->kind = FK_BOOL;
		f->text = v ? "true" : "false";
	}
}

static void
f_ADDR(struct field *f, const struct addr *a)
{
	f->kind = FK_WORD;
	f->text = addr_str(a, f->val);
}

static void
f_ADDR_OPT(struct field *f, const struct addr *a)
{
	if (a->family != 0)
		f_ADDR(f, a);
}

static void
f_TIME(struct field *f, int64_t us)
{
	f->kind = FK_WORD;
	fmt_time(f->val, sizeof f->val, us);
	f->text = f->val;
}

#define FIELD_FILL_(name, type, ...) \
	f_##type(&f[FIELD_##name], __VA_ARGS__);

int
record_fields(const struct record *r, struct field f[NFIELDS_MAX])
{
	int i;

	for (i = 0; i < NFIELDS_MAX; i++) {
		f[i].name = field_names[i];
		f[i].kind = FK_NULL;
		f[i].text = "";
	}
	RECORD_FIELDS(FIELD_FILL_)
	if (r->origin == NULL)
		return NFIELDS;
	PROBE_FIELDS(FIELD_FILL_)
	return NFIELDS_MAX;
}
