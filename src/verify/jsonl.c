/* Flat JSON objects, parsed in place, bounds-checked, no allocation. */
#include <string.h>

#include "verify/jsonl.h"

static char *
skip_ws(char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return p;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A string at p (after the quote); unescapes in place.  Returns the
 * character after the closing quote, or NULL. */
static char *
string(char *p, char **out, const char **why)
{
	char *w = p;

	*out = p;
	while (*p != '"') {
		if (*p == '\0') {
			*why = "unterminated string";
			return NULL;
		}
		if ((unsigned char)*p < 0x20) {
			*why = "control character in string";
			return NULL;
		}
		if (*p != '\\') {
			*w++ = *p++;
			continue;
		}
		p++;
		switch (*p) {
		case '"': case '\\': case '/': *w++ = *p++; break;
		case 'b': *w++ = '\b'; p++; break;
		case 'f': *w++ = '\f'; p++; break;
		case 'n': *w++ = '\n'; p++; break;
		case 'r': *w++ = '\r'; p++; break;
		case 't': *w++ = '\t'; p++; break;
		case 'u': {
			int i, v = 0;

			for (i = 1; i <= 4; i++) {
				if (hexval(p[i]) < 0) {
					*why = "bad \\u escape";
					return NULL;
				}
				v = v * 16 + hexval(p[i]);
			}
			/* Our own output escapes only control characters. */
			*w++ = v < 0x80 && v != 0 ? (char)v : '?';
			p += 5;
			break;
		}
		default:
			*why = "bad escape";
			return NULL;
		}
	}
	*w = '\0';
	return p + 1;
}

/* A number, true, false or null: its text up to a delimiter. */
static char *
scalar(char *p, char **out, int *is_null, const char **why)
{
	char *s = p;

	while (*p && strchr(",} \t\r\n", *p) == NULL)
		p++;
	if (p == s) {
		*why = "value expected";
		return NULL;
	}
	if (*s == '{' || *s == '[') {
		*why = "nested values are not supported";
		return NULL;
	}
	*is_null = (size_t)(p - s) == 4 && strncmp(s, "null", 4) == 0;
	if (!*is_null && !((size_t)(p - s) == 4 && strncmp(s, "true", 4) == 0) &&
	    !((size_t)(p - s) == 5 && strncmp(s, "false", 5) == 0) &&
	    strspn(s, "-+.0123456789eE") != (size_t)(p - s)) {
		*why = "bad value";
		return NULL;
	}
	*out = s;
	return p;
}

int
jsonl_parse(char *line, struct jsonl_field *f, int max, int *col,
    const char **why)
{
	char *p = skip_ws(line), *key, *val, *end;
	int n = 0, is_null;

	*why = "'{' expected";
	if (*p != '{')
		goto bad;
	p = skip_ws(p + 1);
	if (*p == '}') {
		p++;
		goto done;
	}
	for (;;) {
		*why = "key expected";
		if (*p != '"')
			goto bad;
		if ((p = string(p + 1, &key, why)) == NULL)
			goto bad_at_end;
		p = skip_ws(p);
		*why = "':' expected";
		if (*p != ':')
			goto bad;
		p = skip_ws(p + 1);
		is_null = 0;
		if (*p == '"') {
			if ((end = string(p + 1, &val, why)) == NULL)
				goto bad_at_end;
		} else if ((end = scalar(p, &val, &is_null, why)) == NULL)
			goto bad;
		p = skip_ws(end);
		*why = "too many fields";
		if (n == max)
			goto bad;
		/* The scalar's text ends where its delimiter was. */
		if (*p == ',' || *p == '}') {
			char d = *p;

			*end = '\0';
			f[n].key = key;
			f[n].val = val;
			f[n].is_null = is_null;
			n++;
			if (d == '}') {
				p++;
				break;
			}
			p = skip_ws(p + 1);
			continue;
		}
		*why = "',' or '}' expected";
		goto bad;
	}
done:
	p = skip_ws(p);
	*why = "text after the object";
	if (*p != '\0')
		goto bad;
	return n;
bad:
	*col = (int)(p - line) + 1;
	return -1;
bad_at_end:
	*col = (int)(p ? p - line : (long)strlen(line)) + 1;
	return -1;
}

const char *
jsonl_get(const struct jsonl_field *f, int n, const char *key)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(f[i].key, key) == 0)
			return f[i].is_null ? NULL : f[i].val;
	return NULL;
}
